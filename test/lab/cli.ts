// npm run lab -- up [--hosts N] | down | status | env
import { parseArgs } from 'node:util';
import { DEFAULT_HOSTS, MAX_HOSTS } from './config';
import { clearFaults, faultGossip, faultMtu, faultUdp } from './faults';
import { LabError, down, env, status, up } from './lab';
import { rekeyHost, setSshdVariant, startSshd, stopSshd } from './sshd';

const USAGE = `usage: npm run lab -- <command>
  up [--hosts N]   start N simulated Docker hosts (default ${DEFAULT_HOSTS}, at most ${MAX_HOSTS}); safe to repeat
  down             stop every lab host and remove its namespace, bridge and firewall rule
  status           show each host and whether it answers
  env              print JSON with each host's name, address, port, user and key path
  sshd HOST [--password P] [--no-streamlocal] [--max-sessions N] [--host-key ed25519|ecdsa] [--log-auth]
                   reconfigure one host's sshd (no options: back to the default); --host-key
                   (repeatable) sets the key types it offers, --log-auth logs every auth method tried
  rekey HOST       give one host a new SSH host key
  stop-sshd HOST | start-sshd HOST
                   kill every sshd process of one host / start its sshd again
  fault mtu HOST SIZE
                   VXLAN packets longer than SIZE bytes to or from HOST vanish (an underlay
                   path MTU of SIZE: the overlay then carries at most SIZE - 50 per packet)
  fault udp HOST PORT
                   drop UDP PORT to and from HOST (4789: the overlay's data, 7946: gossip)
  fault gossip HOST
                   cut HOST off swarm's gossip (TCP and UDP 7946 both ways)
  fault clear [HOST]
                   remove every fault rule from HOST (default: every host)
Needs Linux and root (sudo).`;

function need(host: string | undefined): string {
  if (!host) throw new LabError('name a host, e.g. h2');
  return host;
}

async function fault([kind, host, value]: string[]): Promise<number> {
  switch (kind) {
    case 'mtu':
      await faultMtu(need(host), Number(value));
      console.error(`${host}: VXLAN packets over ${value} bytes now vanish (the overlay carries at most ${Number(value) - 50})`);
      return 0;
    case 'udp':
      await faultUdp(need(host), Number(value));
      console.error(`${host}: UDP ${value} dropped both ways`);
      return 0;
    case 'gossip':
      await faultGossip(need(host));
      console.error(`${host}: gossip (7946) cut both ways`);
      return 0;
    case 'clear': {
      const hosts = host ? [host] : (await status()).filter((r) => r.healthy).map((r) => r.name);
      for (const h of hosts) console.error(`${h}: ${await clearFaults(h)} fault rule(s) removed`);
      return 0;
    }
    default:
      console.error(`unknown fault ${kind ?? ''}\n${USAGE}`);
      return 2;
  }
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      hosts: { type: 'string' },
      password: { type: 'string' },
      'no-streamlocal': { type: 'boolean' },
      'max-sessions': { type: 'string' },
      'host-key': { type: 'string', multiple: true },
      'log-auth': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const log = (line: string) => console.error(line);
  switch (command) {
    case 'up': {
      const hosts = values.hosts === undefined ? DEFAULT_HOSTS : Number(values.hosts);
      if (!Number.isInteger(hosts) || hosts < 1 || hosts > MAX_HOSTS) {
        console.error(`--hosts must be a whole number from 1 to ${MAX_HOSTS}, got ${values.hosts}`);
        return 2;
      }
      const started = Date.now();
      await up(hosts, log);
      log(`lab up: ${hosts} host(s) in ${((Date.now() - started) / 1000).toFixed(1)} s. Connect with: npm run lab -- env`);
      return 0;
    }
    case 'down':
      await down(log);
      return 0;
    case 'status': {
      const rows = await status();
      if (rows.length === 0) console.log('no lab hosts');
      for (const r of rows) console.log(`${r.name}\t${r.address}\t${r.healthy ? 'up' : r.namespace ? 'broken (run up to repair)' : 'down'}`);
      return rows.every((r) => r.healthy) ? 0 : 1;
    }
    case 'env':
      console.log(JSON.stringify(await env(), null, 2));
      return 0;
    case 'sshd':
      await setSshdVariant(need(positionals[1]), {
        password: values.password,
        streamlocal: values['no-streamlocal'] ? false : undefined,
        maxSessions: values['max-sessions'] === undefined ? undefined : Number(values['max-sessions']),
        hostKeys: values['host-key']?.map((t) => {
          if (t !== 'ed25519' && t !== 'ecdsa') throw new LabError(`--host-key must be ed25519 or ecdsa, got ${t}`);
          return t;
        }),
        logAuthMethods: values['log-auth'],
      });
      return 0;
    case 'rekey':
      await rekeyHost(need(positionals[1]));
      return 0;
    case 'stop-sshd':
      await stopSshd(need(positionals[1]));
      return 0;
    case 'start-sshd':
      await startSshd(need(positionals[1]));
      return 0;
    case 'fault':
      return fault(positionals.slice(1));
    default:
      console.error(`unknown command ${command}\n${USAGE}`);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof LabError ? `lab: ${err.message}` : err);
    process.exit(1);
  },
);
