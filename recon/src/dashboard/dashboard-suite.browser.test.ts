import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReconSuite } from '../config/suite-config.js';
import type { SuiteResult } from '../result/suite-types.js';
import { runReconSuite } from '../suite/run-suite.js';
import { browserSuiteTitle, hasChromium, launchChromium } from '../testing/chromium.js';
import { writeTable } from '../testing/write-table.js';
import { serveDashboard, type DashboardServer } from './server.js';

describe.skipIf(!hasChromium)(browserSuiteTitle('dashboard of a multi-table run in headless Chromium'), () => {
  let dir: string;
  let suite: SuiteResult;
  let server: DashboardServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recon-suite-browser-'));
    // orders: 2 amounts changed; fills: reconciled.
    await writeTable(dir, 'orders-s.parquet', `SELECT i AS id, i * 10 AS amount FROM range(40) r(i)`);
    await writeTable(
      dir,
      'orders-t.parquet',
      `SELECT i AS id, CASE WHEN i IN (5, 6) THEN 0 ELSE i * 10 END AS amount FROM range(40) r(i)`,
    );
    await writeTable(dir, 'fills.parquet', `SELECT i AS fill_id, 'f' || i AS venue FROM range(15) r(i)`);
    const config = {
      name: 'two tables',
      tables: [
        { name: 'fills', source: { path: 'fills.parquet' }, target: { path: 'fills.parquet' }, primaryKey: 'fill_id' },
        {
          name: 'orders',
          source: { path: 'orders-s.parquet' },
          target: { path: 'orders-t.parquet' },
          primaryKey: 'id',
        },
        { name: 'lost', source: { path: 'lost.parquet' }, target: { path: 'lost.parquet' }, primaryKey: 'id' },
      ],
      output: { dir: 'out' },
    };
    suite = await runReconSuite(parseReconSuite(config, dir));
    server = await serveDashboard({ dir: join(dir, 'out'), port: 0 });
    browser = await launchChromium();
    page = await browser.newPage({ acceptDownloads: true });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('summarizes every table and opens the first one that ran', async () => {
    expect(await page.locator('#suite-body tr').allTextContents()).toEqual([
      expect.stringMatching(/^fillsRECONCILED100\.001515/),
      expect.stringMatching(/^ordersNOT RECONCILED95\.004040.*row_hash/),
      expect.stringMatching(/^lostERROR.*lost\.parquet/),
    ]);
    expect(await page.textContent('#suite-title')).toBe('two tables · 1 of 3 tables reconciled');
    expect(await page.textContent('#title')).toBe('fills');
    expect(await page.inputValue('#table-picker')).toBe('fills');
    expect(await page.locator('#table-picker option[value="lost"]').isDisabled()).toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it('switches every panel to the table picked', async () => {
    await page.selectOption('#table-picker', 'orders');
    await page.waitForSelector('body[data-table="orders"]');
    expect(await page.textContent('#title')).toBe('orders');
    expect(await page.textContent('#kpi-mismatched')).toBe('2');
    expect(await page.locator('#mismatch-body tr td:first-child').allTextContents()).toEqual(['5', '6']);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[data-artifact="summary"]')]);
    expect(await readFile(await download.path(), 'utf8')).toContain('row_hash,FAIL,40,40,2,');
  });

  it('downloads the summary across tables', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('a[data-suite-artifact="summary"]'),
    ]);
    expect(download.suggestedFilename()).toBe('suite-summary.csv');
    // One row per table (the error detail of `lost` is a quoted field that may span lines).
    const names = suite.tables.map((t) => t.name).join('|');
    const rows = (await readFile(await download.path(), 'utf8')).match(new RegExp(`^(${names}),`, 'gm'));
    expect(rows).toEqual(['fills,', 'orders,', 'lost,']);
  });
});
