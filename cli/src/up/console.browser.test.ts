import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { dlqReasons } from '@coattail/console';
import { generateGoldenDataset, loadReconConfig, runReconciliation } from '@coattail/recon';
import { parseJobConfig } from '@coattail/stream-jobs';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconLink } from '../console/recon-link.js';
import { DEMO_JOB_ENV, startPipeline, type RunningPipeline } from './pipeline.js';
import { upConsoleHub, type UpConsole } from './up-console.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];
/** Screenshots land here (gitignored), for a human to look at after a run. */
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts');
const TOKEN = 'browser-test-token-0123456789abcdef';

const hasChromium = existsSync(CHROMIUM);
// CI must run this test, never skip it; a developer machine without Chromium may skip.
const inCi = !['', '0', 'false'].includes((process.env.CI ?? '').trim().toLowerCase());
if (inCi && !hasChromium) throw new Error(`the console browser test needs ${CHROMIUM} (apt-get install -y chromium)`);
const title = hasChromium
  ? 'operations console in headless Chromium against the embedded stack'
  : `operations console in headless Chromium — skipped: ${CHROMIUM} is not installed (apt-get install chromium)`;

/** The number in a health row (`#h-published` → 4,613). */
async function healthNumber(page: Page, id: string): Promise<number> {
  const text = (await page.textContent(`#${id} td`)) ?? '';
  return Number(text.replaceAll(',', ''));
}

describe.skipIf(!hasChromium)(title, () => {
  let dir: string;
  let pipeline: RunningPipeline | undefined;
  let ops: ReturnType<typeof upConsoleHub>;
  let opsConsole: UpConsole | undefined;
  let browser: Browser | undefined;
  let recon: Awaited<ReturnType<typeof reconLink>> = {};
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'console-browser-'));
    process.env.CHECKPOINT_INTERVAL_MS = '1000';
    const logger = pino({ level: 'silent' });
    // A reconciliation's output, served as `--recon-dir` does, for the console to link to.
    const golden = await generateGoldenDataset({ dir: join(dir, 'recon'), rows: 2_000, rate: 0.01 });
    const reconConfig = await loadReconConfig(golden.configPath);
    await runReconciliation(reconConfig);
    recon = await reconLink({ reconDir: reconConfig.output.dir }, logger);
    ops = upConsoleHub(parseJobConfig({ ...DEMO_JOB_ENV, ...process.env }), { logger, reconUrl: recon.url! });
    pipeline = await startPipeline({
      stateDir: dir,
      tradesPerSecond: 100,
      logger,
      onPublished: (trades) => ops.hub.ingest(trades),
      qualityMetrics: ops.quality,
      // The test's whale is the only one (the page must show exactly it); dislocations often, so spreads are flagged too.
      simulator: { whaleProbability: 0, dislocationProbabilityPerSecond: 0.5 },
    });
    opsConsole = await ops.attach(pipeline, { port: 0, token: TOKEN, logger });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('request', (r) => {
      if (![opsConsole!.server.url, recon.url!].some((u) => r.url().startsWith(u)))
        pageErrors.push(`fetched ${r.url()}`);
    });
    await page.goto(`${opsConsole.server.url}?token=${TOKEN}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await opsConsole?.close();
    await recon.server?.close();
    await pipeline?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('shows a whale injected through the exchange simulator within seconds, once, on the feed and its chart', async () => {
    const simulator = pipeline!.simulator!;
    await expect
      .poll(() => ops.hub.market.snapshot().symbols.find((s) => s.symbol === 'BTC-USDT')?.lastPrice)
      .toBeGreaterThan(0);
    const price = ops.hub.market.snapshot().symbols.find((s) => s.symbol === 'BTC-USDT')!.lastPrice!;
    // Take the next trade id of the market, so the feed has neither a gap nor a duplicate id.
    const tradeId = simulator.market.lastTradeId('binance', 'BTC-USDT') + 1;
    simulator.market.skipIds('binance', 'BTC-USDT', 1);
    const quantity = (750_000 / price).toFixed(8);
    const now = Date.now();
    simulator.faults.replay('binance', [
      `{"stream":"btcusdt@trade","data":{"e":"trade","E":${now},"s":"BTCUSDT","t":${tradeId},"p":"${price.toFixed(2)}","q":"${quantity}","T":${now},"m":false,"M":true}}`,
    ]);
    const alertId = `whale:binance:BTC-USDT:${tradeId}`;
    const row = page.locator(`#alerts-body tr[data-alert-id="${alertId}"]`);
    const injected = Date.now();
    await row.waitFor({ timeout: 10_000 });
    console.log(`console test: the whale appeared on the page ${Date.now() - injected} ms after the simulator sent it`);
    expect(await row.count()).toBe(1);
    expect(await row.locator('td').nth(4).textContent()).toMatch(/^buy 75\d,\d{3}(\.\d+)? quote @ /);
    expect(await page.locator(`#market-BTC-USDT circle.marker[data-alert-id="${alertId}"]`).count()).toBe(1);
    expect(await page.textContent('#count-WHALE')).toBe('1');
    // Keyboard: the kind filter narrows the feed to the whale.
    await page.focus('#kind-filter');
    await page.keyboard.press('ArrowDown');
    expect(await page.inputValue('#kind-filter')).toBe('WHALE');
    await expect.poll(() => page.locator('#alerts-body tr').count()).toBe(1);
    await page.selectOption('#kind-filter', '');
  }, 60_000);

  it('lists every alert in DynamoDB exactly once', async () => {
    const { dynamodb } = pipeline!.stack.clients;
    const stored = async (): Promise<string[]> =>
      ((await dynamodb.send(new ScanCommand({ TableName: pipeline!.config.ALERTS_TABLE }))).Items ?? [])
        .map((i) => i.alert_id!.S!)
        .sort();
    const shown = async (): Promise<string[]> =>
      (
        await Promise.all(
          (await page.locator('#alerts-body tr').all()).map(async (r) => (await r.getAttribute('data-alert-id')) ?? ''),
        )
      ).sort();
    await expect.poll(async () => (await stored()).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    // Stop new alerts, then the page must converge on the table: nothing missing, nothing twice.
    pipeline!.simulator!.setGenerating(false);
    await expect
      .poll(async () => (await shown()).join(' ') === (await stored()).join(' '), { timeout: 20_000 })
      .toBe(true);
    const ids = await shown();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => id.startsWith('whale:'))).toHaveLength(1);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const counts = await Promise.all(['WHALE', 'VOLUME_ANOMALY', 'SPREAD'].map((k) => page.textContent(`#count-${k}`)));
    expect(counts.reduce((n, c) => n + Number(c), 0)).toBe(ids.length);
  }, 60_000);

  it("shows the pipeline's health as the jobs count it", async () => {
    const p = pipeline!;
    // Each figure on the page lies between the job's counter just before and just after reading it.
    const bracket = async (id: string, counter: () => number): Promise<void> => {
      const before = counter();
      await expect.poll(() => healthNumber(page, id), { timeout: 15_000 }).toBeGreaterThanOrEqual(before);
      const shown = await healthNumber(page, id);
      expect(shown, id).toBeLessThanOrEqual(counter());
    };
    await bracket('h-published', () => p.tradesPublished());
    await expect.poll(() => healthNumber(page, 'h-published')).toBe(p.tradesPublished());
    await bracket('h-checkpoints', () => p.jobMetrics.total('checkpointsCompleted'));
    await bracket('h-read', () => p.jobMetrics.total('kinesisRecordsRead'));
    await bracket('h-alerts-written', () => p.jobMetrics.total('dynamoItemsWritten'));
    expect(await healthNumber(page, 'h-checkpoints')).toBeGreaterThan(0);
    expect(await page.textContent('#h-lag td')).toMatch(/^\d+\.\d s$/);
    // The quality gate's totals, as the whale detector published them.
    const quality = page.locator('#quality-body tr[data-job="whale-detector"] td');
    await expect.poll(() => quality.count(), { timeout: 20_000 }).toBe(4);
    const processed = Number((await quality.nth(1).textContent())!.replaceAll(',', ''));
    expect(processed).toBeGreaterThan(0);
    expect(processed).toBeLessThanOrEqual(ops.quality.view()['whale-detector']!.RecordsProcessed);
    expect(processed).toBeLessThanOrEqual(p.tradesPublished());
    // DLQ objects per reason, as the bucket lists them.
    const dlq = await dlqReasons(p.stack.clients.s3, p.config.RAW_BUCKET)();
    await expect
      .poll(async () => page.locator('#dlq-body tr[data-reason]').count(), { timeout: 15_000 })
      .toBe(Object.keys(dlq).length);
  }, 60_000);

  it('lists the Iceberg tables with their snapshots and rows, links the reconciliation dashboard, and saves a screenshot', async () => {
    const rawRows = async (): Promise<number> =>
      Number(
        (await page.textContent('#tables-body tr[data-table="raw_trades"] td:nth-child(3)'))?.replaceAll(',', '') ?? 0,
      );
    await expect.poll(rawRows, { timeout: 20_000 }).toBeGreaterThan(0);
    const table = await (await pipeline!.tables('raw_trades')).refresh();
    expect(await rawRows()).toBeLessThanOrEqual(Number(table.currentSnapshot()?.summary['total-records']));
    expect(await page.getAttribute('#recon-link', 'href')).toBe(recon.url);
    expect(await page.locator('#market-BTC-USDT svg path.vwap-line').count()).toBe(1);
    // The token left the address bar once the page had it in a cookie.
    expect(page.url()).not.toContain('token=');
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'operations-console.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('is usable from the keyboard: pause freezes the page, and the link opens the reconciliation dashboard', async () => {
    // A reload starts the tab order afresh (and the cookie alone authenticates it: the address has no token now).
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('pause');
    await page.keyboard.press('Enter');
    expect(await page.getAttribute('#pause', 'aria-pressed')).toBe('true');
    const frozen = await page.getAttribute('body', 'data-seq');
    await expect.poll(() => ops.hub.latest().seq, { timeout: 5_000 }).toBeGreaterThan(Number(frozen) + 2);
    expect(await page.getAttribute('body', 'data-seq')).toBe(frozen);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getAttribute('body', 'data-seq')).not.toBe(frozen);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('recon-link');
    await Promise.all([page.waitForURL(recon.url!), page.keyboard.press('Enter')]);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    expect(await page.textContent('#verdict')).toBe('NOT RECONCILED');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
