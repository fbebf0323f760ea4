import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium, which the dashboard's browser tests drive. */
export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Whether the browser tests can run here. */
export const hasChromium = existsSync(CHROMIUM);

// CI (.ci/run installs chromium) must run the browser tests, never skip them; a developer machine may skip.
const inCi = !['', '0', 'false'].includes((process.env.CI ?? '').trim().toLowerCase());
if (inCi && !hasChromium) {
  throw new Error(
    `the dashboard browser tests need ${CHROMIUM} and CI=${process.env.CI} forbids skipping them: install Debian's chromium (apt-get install -y chromium)`,
  );
}

/** A describe title that says why the suite is skipped when it is. */
export function browserSuiteTitle(title: string): string {
  return hasChromium ? title : `${title} — skipped: ${CHROMIUM} is not installed (apt-get install chromium)`;
}

/** Launches headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
