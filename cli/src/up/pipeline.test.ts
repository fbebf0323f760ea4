import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { renderStats } from './live-view.js';
import { startPipeline, type PipelineStats, type RunningPipeline } from './pipeline.js';

let dir: string | undefined;
let pipeline: RunningPipeline | undefined;
afterAll(async () => {
  await pipeline?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('coattail up (npm start)', () => {
  it('runs the raw archiver with the other jobs and shows raw_trades growing in its status lines', async () => {
    dir = await mkdtemp(join(tmpdir(), 'up-'));
    // Short checkpoints so raw_trades commits within seconds; everything else is the demo's setting.
    process.env.CHECKPOINT_INTERVAL_MS = '500';
    pipeline = await startPipeline({ stateDir: dir, tradesPerSecond: 40, logger: pino({ level: 'silent' }) });
    const seen: PipelineStats[] = [];
    const grew = (): boolean =>
      seen.length > 1 &&
      (seen.at(-1)!.tables.raw_trades ?? 0) >
        (seen.find((s) => (s.tables.raw_trades ?? 0) > 0)?.tables.raw_trades ?? Infinity);
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && !grew()) {
      seen.push(await pipeline.stats());
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(grew()).toBe(true);
    const last = seen.at(-1)!;
    expect(renderStats(last, 10_000)).toMatch(new RegExp(`iceberg  raw_trades ${last.tables.raw_trades} `));
    const final = await pipeline.stop();
    pipeline = undefined;
    // After the final checkpoint every gated trade is archived; the DLQ holds the ones the gate refused.
    expect(final.tables.raw_trades).toBeGreaterThanOrEqual(last.tables.raw_trades!);
    expect(final.tables.raw_trades).toBeLessThanOrEqual(final.tradesPublished);
  }, 150_000);
});
