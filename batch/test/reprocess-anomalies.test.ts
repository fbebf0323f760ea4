import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TABLES, tablePartitionSpec, tableSchema, type Row } from '@coattail/iceberg';
import { parseJobConfig } from '@coattail/stream-jobs';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  compareAnomalies,
  COMPARISON_SHEETS,
  comparisonSummary,
  originalAnomalies,
  reprocessAnomalies,
  writeComparisonReports,
} from '../src/reprocess/index.js';
import { allRows, minuteTrades as trades, MIN, T0, tempCatalog } from './historical-helpers.js';

const config = parseJobConfig({});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('reprocess-anomalies', () => {
  let env: Awaited<ReturnType<typeof tempCatalog>>;
  beforeEach(async () => {
    env = await tempCatalog();
  });
  afterEach(() => env.cleanup());

  it('reads raw_trades as of a snapshot or a time, runs the stream job’s operators, writes anomalies_reprocessed and compares with the original alerts', async () => {
    const raw = await env.catalog.createTable('coattail.raw_trades', {
      schema: tableSchema(TABLES.raw_trades),
      spec: tablePartitionSpec(TABLES.raw_trades),
    });
    await raw.append(trades(0, 30, [20]));
    const first = raw.currentSnapshot()!;
    await sleep(5);
    await raw.append(trades(30, 45, [40]));
    const second = raw.currentSnapshot()!;

    // What the stream job wrote at the time: the minute-20 spike with another z-score, and one
    // anomaly the current logic does not produce.
    const alerts = await env.catalog.createTable('coattail.alerts', {
      schema: tableSchema(TABLES.alerts),
      spec: tablePartitionSpec(TABLES.alerts),
    });
    const original = (minute: number, z: number): Row => ({
      alert_id: `volume-anomaly:BTC-USDT:binance:${T0 + minute * MIN}`,
      window_start: new Date(T0 + minute * MIN),
      window_end: new Date(T0 + (minute + 1) * MIN),
      symbol: 'BTC-USDT',
      exchange: 'binance',
      total_volume: 12,
      mean_volume: 1,
      stddev_volume: 0.1,
      z_score: z,
      threshold: 2.5,
      detected_at: new Date(T0 + (minute + 1) * MIN),
    });
    await alerts.append([original(20, 50), original(7, 3.1)]);

    const asOfFirst = await reprocessAnomalies({
      catalog: env.catalog,
      asOfTimestamp: first['timestamp-ms'],
      config,
      runId: 'run-a',
    });
    expect(asOfFirst).toMatchObject({ sourceSnapshotId: first['snapshot-id'], trades: 90 });
    expect(asOfFirst.alerts.map((a) => a.window_start)).toEqual([T0 + 20 * MIN]);
    expect(asOfFirst.alerts[0]!.z_score).toBeGreaterThan(config.ANOMALY_Z_THRESHOLD);

    const latest = await reprocessAnomalies({
      catalog: env.catalog,
      snapshotId: second['snapshot-id'],
      config,
      runId: 'run-b',
    });
    expect(latest.trades).toBe(135);
    expect(latest.alerts.map((a) => a.window_start)).toEqual([T0 + 20 * MIN, T0 + 40 * MIN]);

    const otherSymbol = await reprocessAnomalies({
      catalog: env.catalog,
      config,
      symbols: ['ETH-USDT'],
      runId: 'run-eth',
    });
    expect(otherSymbol).toMatchObject({ trades: 0, alerts: [], range: undefined });
    expect(await originalAnomalies(env.catalog, latest.range, ['ETH-USDT'])).toEqual([]);
    expect(await originalAnomalies(env.catalog, latest.range, ['BTC-USDT'])).toHaveLength(2);

    const written = await allRows(await env.catalog.loadTable('coattail.anomalies_reprocessed'));
    expect(written.map((r) => [r.run_id, r.source_snapshot_id]).sort()).toEqual([
      ['run-a', first['snapshot-id']],
      ['run-b', second['snapshot-id']],
      ['run-b', second['snapshot-id']],
    ]);

    const comparison = compareAnomalies(await originalAnomalies(env.catalog, latest.range), latest.alerts);
    expect(comparison.matched.map((m) => m.window_start)).toEqual([new Date(T0 + 20 * MIN).toISOString()]);
    expect(comparison.onlyOriginal.map((m) => m.window_start)).toEqual([new Date(T0 + 7 * MIN).toISOString()]);
    expect(comparison.onlyReprocessed.map((m) => m.window_start)).toEqual([new Date(T0 + 40 * MIN).toISOString()]);
    expect(comparison.zScoreDifferences).toHaveLength(1);
    expect(comparison.zScoreDifferences[0]!.z_difference).toBeCloseTo(latest.alerts[0]!.z_score - 50, 9);
    expect(comparisonSummary(comparison)).toContain(
      'matched 1 · only in original 1 · only in reprocessed 1 · z-score differences 1',
    );

    const files = await writeComparisonReports(comparison, join(env.dir, 'report'), { run_id: latest.runId });
    const csv = (await readFile(files.csv, 'utf8')).trim().split('\n');
    expect(csv[0]).toBe(
      'status,alert_id,symbol,exchange,window_start,volume_original,volume_reprocessed,z_original,z_reprocessed,z_difference',
    );
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(['matched', 'only_original', 'only_reprocessed']);
    // A one-sided anomaly fills its own side's volume and z-score and leaves the other side's empty.
    const cells = (i: number): string[] => csv[i]!.split(',');
    const [o, r] = [comparison.onlyOriginal[0]!, comparison.onlyReprocessed[0]!];
    expect(cells(2).slice(5)).toEqual([String(o.volume), '', String(o.z_score), '', '']);
    expect(cells(3).slice(5)).toEqual(['', String(r.volume), '', String(r.z_score), '']);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(files.xlsx);
    expect(book.worksheets.map((w) => w.name)).toEqual([...COMPARISON_SHEETS]);
    expect(book.getWorksheet('Z-score differences')!.rowCount).toBe(2);
  });

  it('says which snapshots exist when the one asked for does not', async () => {
    const raw = await env.catalog.createTable('coattail.raw_trades', {
      schema: tableSchema(TABLES.raw_trades),
      spec: tablePartitionSpec(TABLES.raw_trades),
    });
    await raw.append(trades(0, 2, []));
    await expect(reprocessAnomalies({ catalog: env.catalog, snapshotId: 42n, config })).rejects.toMatchObject({
      code: 'SNAPSHOT_NOT_FOUND',
      message: expect.stringMatching(/raw_trades has no snapshot 42; snapshots: \d+ \(/) as unknown,
    });
    await expect(reprocessAnomalies({ catalog: env.catalog, asOfTimestamp: 0, config })).rejects.toMatchObject({
      code: 'SNAPSHOT_NOT_FOUND',
    });
  });
});
