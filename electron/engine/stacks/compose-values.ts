// The small value languages inside a compose file, read as the docker CLI reads them: Go
// durations, byte sizes, CPU counts, short port and volume syntax, shell-like command strings,
// and the "list or mapping" forms of environment, labels and extra_hosts. Each throws a
// ValueError with a message saying what is wrong; the caller adds where.
export class ValueError extends Error {}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration, in nanoseconds. */
export function parseDuration(value: unknown): number {
  if (typeof value !== 'string') throw new ValueError(`must be a duration such as "10s" or "1m30s" (got ${JSON.stringify(value)})`);
  const text = value.trim();
  if (text === '0' || text === '+0' || text === '-0') return 0;
  const m = /^([+-]?)((?:\d*\.?\d*(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(text);
  if (!m) throw new ValueError(`"${value}" is not a duration: write it like 10s, 1m30s, 500ms or 1h`);
  let total = 0;
  for (const part of m[2].matchAll(/(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/g)) {
    if (part[1] === '' || part[1] === '.') throw new ValueError(`"${value}" is not a duration: write it like 10s, 1m30s, 500ms or 1h`);
    total += Number(part[1]) * DURATION_UNITS[part[2]];
  }
  return Math.round(m[1] === '-' ? -total : total);
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** go-units RAMInBytes: binary multiples (1k = 1024), a plain number is bytes. */
export function parseBytes(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value !== 'string') throw new ValueError(`must be a size such as 512M or 1G (got ${JSON.stringify(value)})`);
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(value.trim());
  if (!m) throw new ValueError(`"${value}" is not a size: write it like 512M, 1G or 1048576`);
  return Math.floor(Number(m[1]) * SIZE_UNITS[(m[2] ?? '').toLowerCase()]);
}

/** opts.ParseCPUs: a decimal number of CPUs, exact to the nanoCPU. */
export function parseCpus(value: unknown): number {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d+(\.\d+)?$/.test(text.trim())) throw new ValueError(`"${String(value)}" is not a number of CPUs (e.g. 0.5 or 2)`);
  const [whole, frac = ''] = text.trim().split('.');
  if (frac.replace(/0+$/, '').length > 9) throw new ValueError(`"${text}" is too precise: at most 9 decimals`);
  return Number(whole) * 1e9 + Number(frac.padEnd(9, '0'));
}

export interface PortConfig {
  Protocol?: string;
  TargetPort: number;
  PublishedPort?: number;
  PublishMode?: string;
}

function portRange(text: string, what: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw new ValueError(`invalid ${what} "${text}": write a port number or a range like 8000-8010`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start < 1 || end > 65535 || end < start) throw new ValueError(`invalid ${what} "${text}": ports go from 1 to 65535, the range upwards`);
  return [start, end];
}

/** nat.ParsePortSpecs + ConvertPortToPortConfig: "[ip:][published[-end]:]target[-end][/protocol]". */
export function parsePortShort(value: string | number): PortConfig[] {
  const spec = String(value);
  const [body, proto = 'tcp'] = spec.split('/');
  if (!['tcp', 'udp', 'sctp'].includes(proto.toLowerCase())) throw new ValueError(`invalid protocol "${proto}" in port "${spec}": tcp, udp or sctp`);
  const parts = body.split(':');
  let published = '';
  let target: string;
  if (parts.length === 1) target = parts[0];
  else if (parts.length === 2) [published, target] = parts;
  else {
    target = parts[parts.length - 1];
    published = parts[parts.length - 2];
    // An IP (the CLI warns and listens on every address anyway); IPv6 in brackets keeps its colons.
  }
  const [tStart, tEnd] = portRange(target, 'container port');
  const protocol = proto.toLowerCase();
  if (!published) {
    const out: PortConfig[] = [];
    for (let p = tStart; p <= tEnd; p++) out.push({ Protocol: protocol, TargetPort: p, PublishedPort: 0, PublishMode: 'ingress' });
    return out;
  }
  const [pStart, pEnd] = portRange(published, 'published port');
  if (tEnd !== tStart) {
    if (pEnd - pStart !== tEnd - tStart) throw new ValueError(`port ranges in "${spec}" do not have the same length`);
    const out: PortConfig[] = [];
    for (let i = 0; i <= tEnd - tStart; i++) out.push({ Protocol: protocol, TargetPort: tStart + i, PublishedPort: pStart + i, PublishMode: 'ingress' });
    return out;
  }
  const out: PortConfig[] = [];
  for (let p = pStart; p <= pEnd; p++) out.push({ Protocol: protocol, TargetPort: tStart, PublishedPort: p, PublishMode: 'ingress' });
  return out;
}

export interface VolumeShort {
  type: 'volume' | 'bind';
  source: string;
  target: string;
  read_only?: boolean;
  bind?: { propagation: string };
  volume?: { nocopy: boolean };
}

const PROPAGATIONS = ['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave'];

/** The CLI's ParseVolume: "[source:]target[:options]"; a source starting with . / ~ is a bind. */
export function parseVolumeShort(spec: string): VolumeShort {
  if (!spec) throw new ValueError('invalid empty volume spec');
  if (spec.length <= 2) return { type: 'volume', source: '', target: spec };
  const fields = spec.split(':');
  // A Windows drive letter ("C:\\x") keeps its colon.
  const merged: string[] = [];
  for (const f of fields) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.length === 1 && /[A-Za-z]/.test(last) && merged.length === 1 && f.startsWith('\\')) merged[0] = `${last}:${f}`;
    else merged.push(f);
  }
  if (merged.some((f) => f === '')) throw new ValueError(`invalid spec: ${spec}: empty section between colons`);
  if (merged.length > 3) throw new ValueError(`invalid spec: ${spec}: too many colons`);
  const out: VolumeShort = merged.length === 1 ? { type: 'volume', source: '', target: merged[0] } : { type: 'volume', source: merged[0], target: merged[1] };
  for (const option of (merged[2] ?? '').split(',').filter(Boolean)) {
    if (option === 'ro') out.read_only = true;
    else if (option === 'rw') out.read_only = false;
    else if (option === 'nocopy') out.volume = { nocopy: true };
    else if (PROPAGATIONS.includes(option)) out.bind = { propagation: option };
  }
  if (out.source && (/^[./~]/.test(out.source) || out.source.startsWith('\\\\') || /^[A-Za-z]:/.test(out.source))) out.type = 'bind';
  return out;
}

/** google/shlex, as the CLI splits a string command: quotes, backslash escapes, # comments. */
export function shellSplit(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let i = 0;
  const push = () => {
    if (word !== null) words.push(word);
    word = null;
  };
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      push();
      i++;
    } else if (c === '#' && word === null) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ValueError(`unclosed ' quote in "${text}"`);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let out = '';
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && j + 1 < text.length && '"\\$`\n'.includes(text[j + 1])) out += text[++j];
        else out += text[j];
      }
      if (j >= text.length) throw new ValueError(`unclosed " quote in "${text}"`);
      word = (word ?? '') + out;
      i = j + 1;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new ValueError(`"${text}" ends with an escape character`);
      word = (word ?? '') + text[i + 1];
      i += 2;
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  push();
  return words;
}

/** A string command is split like a shell would; a list is taken as is. */
export function commandList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return shellSplit(value);
  if (Array.isArray(value)) return value.map((v) => String(v));
  throw new ValueError('must be a string or a list of strings');
}

const goString = (v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? String(v) : typeof v === 'boolean' ? String(v) : String(v));

/**
 * "list or mapping" keys. With `allowNil` (environment) a bare NAME or NAME: null has no value
 * (null); otherwise it is the empty string.
 */
export function mappingOf(value: unknown, sep: string, allowNil: boolean): Map<string, string | null> {
  const out = new Map<string, string | null>();
  if (value === undefined || value === null) return out;
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = String(item);
      const i = text.indexOf(sep);
      if (i < 0) out.set(text, allowNil ? null : '');
      else out.set(text.slice(0, i), text.slice(i + sep.length));
    }
    return out;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.set(k, v === null || v === undefined ? (allowNil ? null : '') : goString(v));
    return out;
  }
  throw new ValueError('must be a list or a mapping');
}

export function stringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map(String);
  throw new ValueError('must be a string or a list of strings');
}
