// Debian's Chromium driven by playwright-core (no browser download on this machine).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serve, type Served } from './serve';

export const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Saves a screenshot under test/artifacts/ (ignored by git) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Fails the test on any uncaught error in the page. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Pages open right now, so a failing test can be photographed (see e2e-failures.ts). */
export const openPages = new Set<Page>();

export interface OpenApp {
  served: Served;
  browser: Browser;
  page: Page;
  pageErrors: string[];
  close(): Promise<void>;
}

/** Starts browser mode on its own config folder and opens it in Chromium, as a person would. */
export async function openApp(configDir: string, env: NodeJS.ProcessEnv = {}, viewport = { width: 1280, height: 800 }): Promise<OpenApp> {
  const served = await serve(configDir, env);
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport });
  const pageErrors = watchPageErrors(page);
  await page.goto(served.pageUrl);
  openPages.add(page);
  return {
    served,
    browser,
    page,
    pageErrors,
    async close() {
      openPages.delete(page);
      await browser.close();
      await served.stop();
    },
  };
}
