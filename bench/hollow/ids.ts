// Ids shaped like Docker's: 25 lowercase letters and digits for swarm objects, 64 hex for containers.
let counter = 0;

function mix(n: number): number {
  // A cheap integer hash, so consecutive ids do not share long prefixes (the Engine API matches id prefixes).
  let x = (n + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

export function swarmId(): string {
  counter += 1;
  let out = '';
  for (let i = 0; out.length < 25; i++) out += mix(counter * 31 + i).toString(36);
  return out.slice(0, 25);
}

export function containerId(): string {
  counter += 1;
  let out = '';
  for (let i = 0; out.length < 64; i++) out += mix(counter * 131 + i).toString(16).padStart(8, '0');
  return out.slice(0, 64);
}
