// Docker multiplexes stdout and stderr of a container without a TTY into frames: an 8-byte
// header (stream type, three zero bytes, big-endian payload size) and the payload. This parser
// takes chunks as they come and hands out whole lines.
export interface RawLogLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

export class LogFrameParser {
  private buffer = Buffer.alloc(0);
  private partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };

  push(chunk: Buffer): RawLogLine[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const out: RawLogLine[] = [];
    while (this.buffer.length >= 8) {
      const size = this.buffer.readUInt32BE(4);
      if (this.buffer.length < 8 + size) break;
      const stream = this.buffer[0] === 2 ? 'stderr' : 'stdout';
      const text = this.partial[stream] + this.buffer.subarray(8, 8 + size).toString('utf8');
      this.buffer = this.buffer.subarray(8 + size);
      const lines = text.split('\n');
      this.partial[stream] = lines.pop() ?? '';
      for (const line of lines) out.push({ stream, text: line });
    }
    return out;
  }
}

/** With `details`, each line starts with the task's attributes: `k=v,k=v <text>`. */
export function splitDetails(line: string): { attrs: Record<string, string>; text: string } {
  const m = /^((?:[\w.]+=[^,\s]*,?)+) (.*)$/.exec(line);
  if (!m) return { attrs: {}, text: line };
  const attrs = Object.fromEntries(m[1].split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
  return { attrs, text: m[2] };
}
