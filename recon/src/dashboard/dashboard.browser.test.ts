import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReconConfig } from '../config/load-config.js';
import { generateGoldenDataset } from '../generator/generate-golden.js';
import { runReconciliation } from '../reports/write-reports.js';
import type { ReconResult } from '../result/types.js';
import { serveDashboard, type DashboardServer } from './server.js';

const CHROMIUM = '/usr/bin/chromium';
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

const hasChromium = existsSync(CHROMIUM);
// CI (.ci/run installs chromium) must run this test, never skip it; a developer machine may skip.
const inCi = !['', '0', 'false'].includes((process.env.CI ?? '').trim().toLowerCase());
if (inCi && !hasChromium) {
  throw new Error(
    `the dashboard browser test needs ${CHROMIUM} and CI=${process.env.CI} forbids skipping it: install Debian's chromium (apt-get install -y chromium)`,
  );
}
const title = hasChromium
  ? 'dashboard in headless Chromium'
  : `dashboard in headless Chromium — skipped: ${CHROMIUM} is not installed (apt-get install chromium)`;

// A real browser, not a DOM fake: the charts and the paging run as the user sees them.
describe.skipIf(!hasChromium)(title, () => {
  let dir: string;
  let result: ReconResult;
  let server: DashboardServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recon-browser-'));
    const golden = await generateGoldenDataset({ dir, rows: 6_000, rate: 0.01 });
    result = await runReconciliation(await loadReconConfig(golden.configPath));
    server = await serveDashboard({ dir: join(dir, 'report'), port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ acceptDownloads: true });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the data-health KPIs of the result', async () => {
    expect(await page.textContent('#kpi-match-rate')).toBe(`${result.matchRate.toFixed(2)} %`);
    expect(await page.textContent('#kpi-source-rows')).toBe(result.rowCount.source.toLocaleString('en-US'));
    expect(await page.textContent('#kpi-target-rows')).toBe(result.rowCount.target.toLocaleString('en-US'));
    expect(await page.textContent('#verdict')).toBe('NOT RECONCILED');
    expect(consoleErrors).toEqual([]);
  });

  it('draws the charts as SVG bars', async () => {
    expect(await page.locator('#chart-mismatches svg rect.bar').count()).toBe(result.hash.byColumn.length);
    expect(await page.locator('#chart-nulls svg rect.bar').count()).toBe(2 * result.nulls.columns.length);
    expect(await page.locator('#chart-aggregates svg rect.bar').count()).toBe(result.aggregates.rows.length);
    expect(await page.locator('#chart-keys svg rect.bar').count()).toBe(4);
  });

  it('pages the mismatch table through the server', async () => {
    const firstKey = await page.textContent('#mismatch-body tr:first-child td:first-child');
    expect(await page.locator('#mismatch-body tr').count()).toBe(25);
    await page.click('#next');
    await page.waitForSelector('body[data-page-loaded="25"]');
    expect(await page.textContent('#page-info')).toMatch(/^page 2 of /);
    expect(await page.textContent('#mismatch-body tr:first-child td:first-child')).not.toBe(firstKey);
  });

  it('filters the table by clicking a bar of the mismatches chart', async () => {
    const index = result.hash.byColumn.findIndex((c) => c.column === 'price');
    await page.locator('#chart-mismatches svg rect.bar').nth(index).click();
    await expect.poll(() => page.locator('#mismatch-body tr td:nth-child(2)').first().textContent()).toBe('price');
    const columns = await page.locator('#mismatch-body tr td:nth-child(2)').allTextContents();
    expect(new Set(columns)).toEqual(new Set(['price']));
    expect(await page.inputValue('#column-filter')).toBe('price');
  });

  it('downloads the summary CSV and the Excel workbook', async () => {
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('a[data-artifact="summary"]')]);
    expect(csv.suggestedFilename()).toBe('summary.csv');
    expect((await readFile(await csv.path(), 'utf8')).split('\n')[0]).toBe(
      'check,status,source_count,target_count,difference,match_rate_pct,detail',
    );
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('a[data-artifact="excel"]')]);
    expect(xlsx.suggestedFilename()).toBe('recon-report.xlsx');
    // An .xlsx is a zip: it starts with PK.
    expect((await readFile(await xlsx.path())).subarray(0, 2).toString()).toBe('PK');
  });
});
