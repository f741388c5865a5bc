// What a connectivity probe prints inside a hollow task: every name resolves to its service's
// task addresses, every address answers TCP and ICMP (the output format of probe-script.ts).
import type { World } from './world';

export function probeOutput(world: World, argv: string[]): string {
  // argv: sh -c SCRIPT $0 then groups "name port ip…" separated by "--".
  const data = argv.slice(4);
  const lines: string[] = [];
  const ipsOf = (name: string) => {
    const service = [...world.services.values()].find((s) => s.Spec?.Name === name);
    return [...world.tasks.values()].filter((t) => t.ServiceID === service?.ID).map((t) => String(t.NetworksAttachments?.[0]?.Addresses?.[0] ?? '').replace(/\/\d+$/, ''));
  };
  for (let i = 0; i < data.length; ) {
    const name = data[i];
    const port = data[i + 1];
    i += 2;
    lines.push(`dns ${name} ${ipsOf(name)[0] ?? ''}`, `dns tasks.${name} ${ipsOf(name).join(' ')}`);
    for (; i < data.length && data[i] !== '--'; i++) {
      if (port !== '-') lines.push(`tcp ${data[i]} ${port} 0 100.00 100.01 `);
      lines.push(`icmp ${data[i]} 0 time=0.1 ms`);
    }
    i += 1;
  }
  return `${lines.join('\n')}\n`;
}

/** Docker's multiplexed stream framing: one stdout frame. */
export function stdoutFrame(text: string): Buffer {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = 1;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}
