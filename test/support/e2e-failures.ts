// e2e setup file: when a test fails, photograph every open page (test/artifacts/FAILED-….png)
// and print the server's last lines, so a failure on a CI machine can be understood afterwards.
import { afterEach } from 'vitest';
import { openPages, screenshot } from './browser';

afterEach(async (context) => {
  if (context.task.result?.state !== 'fail') return;
  const name = `FAILED-${context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
  let i = 0;
  for (const page of openPages) {
    const file = await screenshot(page, `${name}${i++ ? `-${i}` : ''}`).catch(() => null);
    if (file) console.log(`failure screenshot: ${file}`);
  }
});
