// What the commands we show do with characters that hide themselves.
import { describe, expect, it } from 'vitest';
import { hasInvisible, visibleSegments } from '../../renderer/src/components/visible-text';

describe('invisible characters in shown commands', () => {
  it('marks control, bidi and zero-width characters, and leaves the rest as it is', () => {
    const text = "docker service create --env 'A=\u202eevil\u202c' --env 'B=x\ny' 'c\u200bd'";
    const segs = visibleSegments(text);
    expect(segs.map((s) => s.text).join('')).toBe(text);
    expect(segs.filter((s) => s.marker).map((s) => s.marker)).toEqual(['U+202E RLO', 'U+202C PDF', 'U+000A LF', 'U+200B ZWSP']);
    expect(hasInvisible(text)).toBe(true);
  });

  it('finds nothing in a plain command, including non-ASCII letters', () => {
    expect(hasInvisible("docker -H ssh://root@10.0.0.1 service create --env 'NAME=Ærøskøbing' web")).toBe(false);
    expect(visibleSegments('plain')).toEqual([{ text: 'plain' }]);
  });

  it('marks every bidi isolate and embedding, escape and DEL', () => {
    for (const c of ['\u2066', '\u2067', '\u2068', '\u2069', '\u202a', '\u202b', '\u202d', '\u061c', '\u200e', '\u200f', '\u001b', '\u007f', '\u0085', '\ufeff', '\r', '\t']) {
      expect(hasInvisible(`a${c}b`), JSON.stringify(c)).toBe(true);
    }
  });
});
