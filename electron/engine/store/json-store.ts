// A small JSON document on disk, validated on load. A file that does not parse is moved aside
// (never silently replaced) and the error names both paths.
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { ApiError } from '../../shared/errors';
import { writeFileAtomic } from './atomic-file';

export class JsonStore<T> {
  constructor(
    readonly file: string,
    private readonly schema: z.ZodType<T>,
    private readonly empty: () => T,
  ) {}

  /** The stored value, or an empty one plus the problem when the file had to be moved aside. */
  async load(): Promise<{ value: T; problem?: ApiError }> {
    await this.removeInterruptedWrites();
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { value: this.empty() };
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const result = this.schema.safeParse(parsed);
    if (result.success) return { value: result.data };
    const aside = `${this.file}.corrupt-${Date.now()}`;
    await rename(this.file, aside);
    const problem = new ApiError('internal', `${this.file} was unreadable and has been kept as ${aside}`, {
      hint: 'Archipelago started with an empty file; compare the kept copy and restore what you need.',
    });
    return { value: this.empty(), problem };
  }

  /** A process killed mid-write leaves its temp file (the real file is intact): clear those. */
  private async removeInterruptedWrites(): Promise<void> {
    const dir = path.dirname(this.file);
    const prefix = `.${path.basename(this.file)}.`;
    const names = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp')).map((n) => rm(path.join(dir, n), { force: true })));
  }

  save(value: T): Promise<void> {
    return writeFileAtomic(this.file, `${JSON.stringify(value, null, 2)}\n`);
  }
}
