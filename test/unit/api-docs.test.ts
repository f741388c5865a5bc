// docs/api.md is generated from the contract; this fails when someone changes the contract (or
// the events) without regenerating it with `npm run docs:api`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_DOC, renderApiDocs } from '../../scripts/api-docs';
import { METHODS } from '../../electron/shared/contract';

describe('docs/api.md', () => {
  it('is what the contract generates today (run `npm run docs:api` if not)', () => {
    expect(readFileSync(API_DOC, 'utf8') === renderApiDocs(), 'docs/api.md is stale: run npm run docs:api').toBe(true);
  });
  it('documents every method and event', () => {
    const doc = renderApiDocs();
    for (const m of METHODS) expect(doc).toContain(`### \`${m}\``);
    for (const e of ['cluster:changed', 'checks:result', 'console:output', 'logs:lines']) expect(doc).toContain(`| \`${e}\` |`);
  });
});
