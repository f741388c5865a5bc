// "What can go wrong": one short page per verdict the check can give. What the symptom looks
// like, how Archipelago tells this cause from the others, and the fix with its commands. Plain
// data keyed by the verdict codes (stable strings), shared by the Checks pages and the lessons.
import type { Verdict } from './model';

export type VerdictCode = Verdict['code'];

export interface VerdictCause {
  title: string;
  symptom: string;
  tellApart: string;
  fix: string;
  /** Commands that show or fix it, by hand (SERVICE, NETWORK, NODE are placeholders). */
  commands: string[];
}

export const VERDICT_CAUSES: Record<VerdictCode, VerdictCause> = {
  reachable: {
    title: 'Reaches',
    symptom: 'Every task of the source reaches every task of the target (and its VIP).',
    tellApart: 'Every pair answered TCP (or ICMP without a port), DNS resolved from every source, large packets passed at the overlay’s MTU, and neither service is mid-update.',
    fix: 'Nothing to do. If the application still fails, look at the application (its logs, its port, its health).',
    commands: ['docker service logs SERVICE'],
  },
  'no-target-tasks': {
    title: 'No running tasks (target)',
    symptom: 'The target service has no task in the running state, so nothing can answer.',
    tellApart: 'The cluster model lists 0 running tasks. Archipelago then says why, in swarm’s words and its own: constraints no node satisfies (compared with the nodes’ labels), reservations no node can meet, an image missing on a node, an overlay subnet out of addresses (task addresses, VIPs and one load-balancer endpoint per node, counted), a host-mode port already taken on every node.',
    fix: 'Act on the reason: label a node or change the constraint; lower the reservation; load the image on the node; create a larger overlay; scale down or publish through the routing mesh. Scaled to 0 on purpose: scale it up.',
    commands: ['docker service ps --no-trunc SERVICE', 'docker node ls', 'docker node inspect --format "{{.Spec.Labels}}" NODE', 'docker network inspect --verbose NETWORK'],
  },
  'no-source-tasks': {
    title: 'No running tasks (source)',
    symptom: 'The source service has no running task to test from.',
    tellApart: 'Same as “no running tasks” for the target, on the source side, with the same reasons.',
    fix: 'Act on the reason shown; or scale the source up.',
    commands: ['docker service ps --no-trunc SERVICE'],
  },
  'no-common-network': {
    title: 'No common network',
    symptom: 'The services exist and run, but the name of one is unknown from the other and its addresses do not answer.',
    tellApart: 'The two services share no overlay network in their specs: swarm’s DNS only answers for services on a network the asking task is on.',
    fix: 'Attach both services to one overlay (drag on the map, or Services → Details).',
    commands: ['docker service update --network-add NETWORK SERVICE'],
  },
  'name-does-not-resolve': {
    title: 'Does not resolve',
    symptom: '“Name or service not known” from the source task; addresses may still answer.',
    tellApart: 'Neither B nor tasks.B resolve from that task through the embedded DNS (127.0.0.11), and the node’s view of the network does know the target (otherwise it is gossip lag).',
    fix: 'Check that both services are on the network the check used, and that the task does not use a custom DNS (--dns) that bypasses 127.0.0.11.',
    commands: ['docker exec CONTAINER nslookup SERVICE', 'docker exec CONTAINER cat /etc/resolv.conf'],
  },
  'vip-unreachable': {
    title: 'VIP unreachable while tasks answer',
    symptom: '`curl backend` hangs or says “No route to host”, `curl tasks.backend` works.',
    tellApart: 'The VIP (what the name resolves to in vip mode) fails from every source while the task IPs answer: the network works, VIP load balancing (IPVS) does not.',
    fix: 'Use --endpoint-mode dnsrr (clients get task IPs from DNS), or give the nodes a kernel with IPVS (ip_vs); LXC hosts often lack it.',
    commands: ['docker service update --endpoint-mode dnsrr SERVICE', 'lsmod | grep ip_vs'],
  },
  'port-refused': {
    title: 'Port refused',
    symptom: '“Connection refused” on the port; ping works.',
    tellApart: 'The target actively refused the TCP connection: the packet arrived, so the network is fine and nothing listens on that port.',
    fix: 'Check the port the target’s process listens on (inside the task), or check another port.',
    commands: ['docker exec CONTAINER netstat -tln'],
  },
  'icmp-blocked': {
    title: 'ICMP blocked, TCP works',
    symptom: 'Ping fails, the service works.',
    tellApart: 'Every pair whose TCP connects fails ICMP: ping is filtered somewhere; harmless for the service.',
    fix: 'Nothing to do for the service; rely on TCP checks. (Large-packet tests need ICMP: where it is blocked, they are skipped.)',
    commands: [],
  },
  'underlay-blocked': {
    title: 'Traffic between hosts fails (underlay)',
    symptom: 'Tasks on the same host reach each other; across hosts nothing answers.',
    tellApart: 'Same-host pairs work, cross-host pairs fail, and the nodes know the target’s addresses (so it is not gossip lag): VXLAN (UDP 4789) does not pass. The host common to every failing pair is named. Cluster → Check the underlay tests UDP 4789 and 7946 pair by pair.',
    fix: 'Allow UDP 4789 and TCP/UDP 7946 between the hosts’ advertise addresses (often a cloud security group). If 4789 is taken or blocked, create the swarm with --data-path-port.',
    commands: ['iptables -S | grep -E "4789|7946"', 'docker swarm init --data-path-port 4790 --advertise-addr ADDR'],
  },
  'encrypted-overlay': {
    title: 'Encrypted overlay fails between hosts',
    symptom: 'On an overlay created with --opt encrypted, same-host pairs work and cross-host pairs do not.',
    tellApart: 'The network is encrypted and the failure pattern is that of the underlay: ESP (IP protocol 50) is filtered, or the kernel lacks IPsec/xfrm (dockerd logs “Failed adding … esp … function not implemented”).',
    fix: 'Allow ESP (protocol 50) between the hosts, use a kernel with xfrm, or use an unencrypted overlay.',
    commands: ['ip xfrm state', 'ip xfrm policy', 'iptables -I INPUT -p esp -j ACCEPT'],
  },
  'gossip-pending': {
    title: 'Gossip has not caught up',
    symptom: 'Right after tasks start, a few cross-host pairs fail or the name does not resolve on some nodes, for up to 30 s.',
    tellApart: 'The failing source’s node does not know the target’s addresses: its `docker network inspect --verbose` view lacks them. New tasks spread by gossip on 7946; lost updates wait for the 30 s full sync.',
    fix: 'Check again in half a minute. If it stays, gossip between those nodes is losing packets: look at TCP and UDP 7946.',
    commands: ['docker network inspect --verbose NETWORK'],
  },
  unreachable: {
    title: 'Task addresses do not answer',
    symptom: 'Some task addresses time out, and it is not the underlay pattern.',
    tellApart: 'Failures include same-host pairs (so not the underlay), the tasks are not being replaced (not rolling), and the nodes know the addresses (not gossip). If a task answers other sources but not one on its own host, that host’s ARP table may be full.',
    fix: 'Look at the failing tasks (healthy? listening?) and the hosts’ firewalls; on busy hosts look for “neighbor table overflow” in dmesg and raise net.ipv4.neigh.default.gc_thresh1/2/3.',
    commands: ['docker service ps --no-trunc SERVICE', 'dmesg | grep -i "neighbor table overflow"'],
  },
  'probe-failed': {
    title: 'Could not probe',
    symptom: 'The check could not run from some task.',
    tellApart: 'The probe itself failed (the task’s node is not a connected host, its container is gone, no helper image with sh, nslookup, nc and ping).',
    fix: 'Connect the node’s host, or name a helper image present on every node (busybox, nicolaka/netshoot).',
    commands: ['docker run --rm --network container:CONTAINER busybox nslookup SERVICE'],
  },
  'mtu-blackhole': {
    title: 'Large packets vanish (MTU black hole)',
    symptom: 'Ping and small requests work; big responses hang (a page half loads, a large query never returns).',
    tellApart: 'Where a small ping passes, the probe pings at the overlay’s MTU; when that vanishes, it narrows the largest size that passes in two parallel rounds. Small packets passing and large ones vanishing, on pairs that share a host, is a path narrower than the overlay assumes (VXLAN over a VPN or a cloud link, or a NIC offload that drops big frames); VXLAN adds 50 bytes.',
    fix: 'Create the overlay with an MTU that fits (an existing network’s MTU cannot change: create a new one and move the services), or raise the underlay’s MTU to the overlay’s MTU + 50.',
    commands: ['docker network create -d overlay --opt com.docker.network.driver.mtu=1400 NETWORK', 'docker exec CONTAINER ping -c 1 -s 1422 ADDRESS', 'ip link show'],
  },
  rolling: {
    title: 'The service is changing',
    symptom: 'A few addresses of the service do not answer for seconds at a time, then others; the answer changes from one check to the next.',
    tellApart: 'The service has an update (or rollback) under way or paused, and the failing addresses belong to tasks being replaced, starting or shutting down (read again after the probes). Such failures are never reported as a network fault; while either side is mid-update the check says so even when every pair answers.',
    fix: 'Wait for the update to finish (Services shows its progress), Resume a paused one, or Roll back.',
    commands: ['docker service ps SERVICE', 'docker service inspect --format "{{json .UpdateStatus}}" SERVICE', 'docker service rollback SERVICE', 'docker service update SERVICE'],
  },
  'stale-dns': {
    title: 'Names that point at the dead (stale DNS)',
    symptom: 'From some node, requests to the service fail at random: some of the addresses its DNS gives do not answer.',
    tellApart: 'What B and tasks.B resolve to on each node is compared with the tasks that really exist: an address that belongs to no task means that node never heard of the task’s removal (gossip, port 7946). The other direction (living tasks not known yet) is “gossip has not caught up”.',
    fix: 'Check TCP and UDP 7946 between that node and the others; once gossip flows, names heal within seconds. To re-announce the service now, force an update. One case gossip does not heal: a service switched from vip to dnsrr keeps its old VIP in every node’s DNS (Docker 20.10; B answers it, tasks.B does not); a forced update or re-creating the service leaves it, so use tasks.B, re-create the network, or switch back to vip.',
    commands: ['docker exec CONTAINER nslookup tasks.SERVICE', 'docker network inspect --verbose NETWORK', 'docker service update --force SERVICE'],
  },
};
