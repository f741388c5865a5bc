// Characters that change what a command looks like without showing themselves: control
// characters (a newline or carriage return can hide the rest of a line), bidi overrides and
// isolates (which reorder what is displayed, "Trojan Source"), and zero-width characters. The
// commands we show render each as a visible marker, so what is shown is what runs.

const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

const NAMES: Record<number, string> = {
  0x09: 'TAB',
  0x0a: 'LF',
  0x0d: 'CR',
  0x1b: 'ESC',
  0x061c: 'ALM',
  0x200b: 'ZWSP',
  0x200c: 'ZWNJ',
  0x200d: 'ZWJ',
  0x200e: 'LRM',
  0x200f: 'RLM',
  0x202a: 'LRE',
  0x202b: 'RLE',
  0x202c: 'PDF',
  0x202d: 'LRO',
  0x202e: 'RLO',
  0x2066: 'LRI',
  0x2067: 'RLI',
  0x2068: 'FSI',
  0x2069: 'PDI',
  0xfeff: 'BOM',
};

export interface Segment {
  text: string;
  /** Set for an invisible character: the marker shown in its place, e.g. `U+202E RLO`. */
  marker?: string;
}

export function visibleSegments(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(INVISIBLE)) {
    if (m.index! > last) out.push({ text: text.slice(last, m.index) });
    const code = m[0].codePointAt(0)!;
    out.push({ text: m[0], marker: `U+${code.toString(16).toUpperCase().padStart(4, '0')}${NAMES[code] ? ` ${NAMES[code]}` : ''}` });
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

export const hasInvisible = (text: string) => new RegExp(INVISIBLE.source).test(text);
