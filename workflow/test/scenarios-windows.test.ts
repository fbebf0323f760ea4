import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { platformObserver } from '../src/datasets/observer.js';
import { builtinStageTypes } from '../src/stages/builtin/index.js';
import { StageRegistry } from '../src/stages/registry.js';
import { runBackfill } from '../src/windows/backfill.js';
import { loaded, tempDir, testOrchestrator } from './helpers.js';

const H = 3_600_000;
const T0 = Date.parse('2026-12-07T04:00:00Z');

async function volumes(dir: string): Promise<Record<string, number>> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const rows = (
      await c.runAndReadAll(
        `SELECT partition, volume::INTEGER AS v FROM read_parquet('${join(dir, 'hourly')}/*.parquet') ORDER BY 1`,
      )
    ).getRowObjectsJson();
    return Object.fromEntries(rows.map((r) => [r.partition as string, Number(r.v)]));
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

const def = {
  pipeline: 'hourly',
  stages: [
    {
      id: 'volume',
      type: 'window-aggregate',
      inputs: ['file://events/'],
      outputs: ['file://hourly/'],
      incremental: { mode: 'objects' as const },
      partitioning: { granularity: 'hour' as const, eventTime: 'ts', lateness: '2h' },
      params: { sql: 'SELECT sum(qty) AS volume FROM events' },
    },
  ],
};

async function setup() {
  const dir = await tempDir('wf-win-');
  await mkdir(join(dir, 'events'), { recursive: true });
  const registry = new StageRegistry(builtinStageTypes());
  const t = await testOrchestrator(registry, { observer: platformObserver({ baseDir: dir }) });
  const pipeline = loaded(def, registry, dir);
  const deliver = (name: string, rows: [number, number][]) =>
    writeFile(join(dir, 'events', name), `ts,qty\n${rows.map(([ts, q]) => `${ts},${q}`).join('\n')}\n`);
  return { dir, pipeline, deliver, ...t };
}

describe('processing windows and late data (end to end)', () => {
  it('re-runs exactly the partition late data lands in, and quarantines data beyond the lateness as too_late', async () => {
    const { dir, pipeline, deliver, orchestrator } = await setup();
    await deliver('1.csv', [
      [T0 + 10, 1],
      [T0 + H + 10, 2],
      [T0 + 2 * H + 10, 3],
    ]);
    const first = await orchestrator.run(pipeline);
    expect(first.stages.volume?.result?.metrics).toEqual({ partitions: 3, rerun: 0, tooLate: 0 });
    expect(await volumes(dir)).toEqual({ '2026-12-07T04': 1, '2026-12-07T05': 2, '2026-12-07T06': 3 });

    await deliver('2.csv', [[T0 + H + 20, 10]]); // late for 05:00, within 2 h of the watermark (06:00)
    const late = await orchestrator.run(pipeline);
    expect(late.stages.volume?.result?.metrics).toEqual({ partitions: 1, rerun: 1, tooLate: 0 });
    expect(await volumes(dir)).toEqual({ '2026-12-07T04': 1, '2026-12-07T05': 12, '2026-12-07T06': 3 });

    await deliver('3.csv', [[T0 + 6 * H, 1]]); // the watermark moves to 10:00
    await orchestrator.run(pipeline);
    await deliver('4.csv', [
      [T0 + 30, 100],
      [T0 + 40, 100],
    ]); // 04:00 closed at 05:00 + 2 h < 10:00: extremely late
    const tooLate = await orchestrator.run(pipeline);
    expect(tooLate.stages.volume?.result?.metrics).toEqual({ partitions: 0, rerun: 0, tooLate: 2 });
    expect((await volumes(dir))['2026-12-07T04']).toBe(1);
    const q = await readdir(join(dir, '.coattail', 'quarantine', 'hourly', 'volume', 'too_late'));
    expect(q).toEqual([`${tooLate.runId}.parquet`]);
  });

  it('backfills a range with a concurrency limit, replacing partitions so nothing is counted twice', async () => {
    const { dir, pipeline, deliver, orchestrator } = await setup();
    await deliver('1.csv', [
      [T0 + 10, 1],
      [T0 + H + 10, 2],
    ]);
    const once = await runBackfill(orchestrator, pipeline, { from: T0, to: T0 + 2 * H, concurrency: 2 });
    expect(once.runs.map((r) => [r.partition, r.status])).toEqual([
      ['2026-12-07T04', 'SUCCEEDED'],
      ['2026-12-07T05', 'SUCCEEDED'],
      ['2026-12-07T06', 'SUCCEEDED'],
    ]);
    const twice = await runBackfill(orchestrator, pipeline, { from: T0, to: T0 + 2 * H, concurrency: 3 });
    expect(twice.failed).toEqual([]);
    expect(await volumes(dir)).toEqual({ '2026-12-07T04': 1, '2026-12-07T05': 2, '2026-12-07T06': 0 }); // an empty hour: sum() is NULL
  });

  it('refuses to backfill a pipeline without partitioned stages', async () => {
    const { orchestrator } = await setup();
    const registry = new StageRegistry(builtinStageTypes());
    const flat = loaded({ pipeline: 'flat', stages: [{ id: 'a', type: 'noop' }] }, registry);
    await expect(runBackfill(orchestrator, flat, { from: T0, to: T0 })).rejects.toThrow(/has no partitioned stage/);
  });
});
