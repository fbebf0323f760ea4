import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReconConfig } from '../config/load-config.js';
import { generateGoldenDataset } from '../generator/generate-golden.js';
import { browserSuiteTitle, hasChromium, launchChromium } from '../testing/chromium.js';
import { runReconciliation } from '../reports/write-reports.js';
import type { ReconResult } from '../result/types.js';
import { serveDashboard, type DashboardServer } from './server.js';

const title = browserSuiteTitle('dashboard in headless Chromium');

// Runs in the page: the height of each number cell's text against one line of the same font
// (a probe "0" in the cell); a text taller than one line has wrapped.
const MEASURE_NUMBER_CELLS = `[...document.querySelectorAll('#summary-body td:nth-child(n+3):nth-child(-n+6)')].map((td) => {
  const range = document.createRange();
  range.selectNodeContents(td);
  const height = range.getBoundingClientRect().height;
  const probe = td.appendChild(document.createElement('span'));
  probe.textContent = '0';
  const line = probe.getBoundingClientRect().height;
  probe.remove();
  return { text: td.textContent, height, line };
})`;

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
    browser = await launchChromium();
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

  it('offers a download button for every artifact the result lists, and each one downloads', async () => {
    expect(Object.keys(result.artifacts)).toEqual(expect.arrayContaining(['keyIssuesParquet', 'mismatchesParquet']));
    for (const [artifact, file] of Object.entries(result.artifacts)) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click(`a[data-artifact="${artifact}"]`, { timeout: 2_000 }),
      ]);
      expect(download.suggestedFilename()).toBe(file);
      const bytes = await readFile(await download.path());
      if (file.endsWith('.parquet')) expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
      else expect(bytes.length).toBeGreaterThan(0);
    }
  });

  it('draws negative aggregate differences to the left of positive ones', async () => {
    const rects = await page.locator('#chart-aggregates svg rect.bar').all();
    const bars = await Promise.all(
      rects.map(async (r) => ({ x: Number(await r.getAttribute('x')), w: Number(await r.getAttribute('width')) })),
    );
    const signed = result.aggregates.rows.map((a, i) => ({ d: a.relativeDifference ?? 0, ...bars[i]! }));
    const negative = signed.filter((b) => b.d < 0);
    const positive = signed.filter((b) => b.d > 0);
    expect(negative.length).toBeGreaterThan(0);
    expect(positive.length).toBeGreaterThan(0);
    const axis = Math.min(...positive.map((b) => b.x));
    for (const b of negative) expect(b.x + b.w).toBeLessThanOrEqual(axis);
  });

  it('keeps every number of the checks table on one line at 1400 px, even in the millions', async () => {
    // The same result with row counts a thousand times larger: the widths a 6 M-row run needs.
    const file = join(dir, 'report', 'result.json');
    const original = await readFile(file, 'utf8');
    const large = JSON.parse(original) as ReconResult;
    for (const row of large.summary)
      for (const field of ['sourceCount', 'targetCount', 'difference'] as const)
        if (row[field] !== null) row[field] = row[field] * 1000 + 7;
    await writeFile(file, JSON.stringify(large));
    const wide = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    try {
      await wide.goto(server.url);
      await wide.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
      const cells = await wide.evaluate<{ text: string; height: number; line: number }[]>(MEASURE_NUMBER_CELLS);
      expect(cells.filter((c) => c.text.length >= 9).length).toBeGreaterThan(4);
      expect(cells.filter((c) => c.height > c.line * 1.5)).toEqual([]);
    } finally {
      await wide.close();
      await writeFile(file, original);
    }
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
