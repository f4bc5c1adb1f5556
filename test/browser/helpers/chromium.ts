/**
 * Headless Chromium for browser tests: Debian's /usr/bin/chromium driven by
 * playwright-core (Playwright's own browser download is unreachable here).
 * The flags keep Chromium from calling home on a closed network.
 */
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** True when Debian's Chromium is installed (`apt-get install -y chromium`); tests skip otherwise. */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export interface LaunchOptions {
  colorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
}

/** Launch Debian's Chromium headless, for tests that open several contexts themselves. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}

/**
 * Launch Chromium and open one page. Playwright gives every launch a fresh
 * temporary profile (it refuses an explicit --user-data-dir here) and deletes it on close.
 */
export async function launchBrowser(opts: LaunchOptions = {}): Promise<BrowserSession> {
  const browser = await launchChromium();
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1440, height: 900 },
    colorScheme: opts.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  return {
    browser,
    context,
    page,
    async close() {
      await browser.close();
    },
  };
}
