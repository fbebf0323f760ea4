/**
 * Late-data throughput: the same rows delivered in batches, once all on time and once with 10 %
 * of every batch late (within the allowed lateness, so already written hours are re-run).
 * Prints rows/s of both, measured in the same run.
 *
 *   npm run bench -w @coattail/workflow
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  FileRunStore,
  Orchestrator,
  StageRegistry,
  builtinStageTypes,
  platformObserver,
  validatePipelineObject,
} from '../src/index.js';

const BATCHES = Number(process.env.BENCH_BATCHES ?? 12);
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const H = 3_600_000;
const T0 = Date.parse('2026-12-07T00:00:00Z');

async function scenario(lateShare: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'wf-bench-late-'));
  await mkdir(join(dir, 'events'));
  const registry = new StageRegistry(builtinStageTypes());
  const orchestrator = new Orchestrator({
    store: new FileRunStore(join(dir, 'runs')),
    registry,
    observer: platformObserver({ baseDir: dir }),
  });
  const pipeline = {
    definition: validatePipelineObject(
      {
        pipeline: 'late',
        stages: [
          {
            id: 'volume',
            type: 'window-aggregate',
            inputs: ['file://events/'],
            outputs: ['file://hourly/'],
            incremental: { mode: 'objects' },
            partitioning: { granularity: 'hour', eventTime: 'ts', lateness: '3h' },
            params: { sql: 'SELECT symbol, count(*) AS trades, sum(qty) AS volume FROM events GROUP BY symbol' },
          },
        ],
      },
      registry,
    ),
    source: '<bench>',
    baseDir: dir,
  };
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  let busy = 0;
  for (let b = 0; b < BATCHES; b++) {
    // Batch b covers hour b; with late data, a share of its rows belongs to the hour before (already written).
    await c.run(
      `COPY (SELECT 'S' || (i % 20) AS symbol, (i % 7) + 1 AS qty,
              CASE WHEN ${b} > 0 AND (i % 1000) < ${Math.round(lateShare * 1000)} THEN ${T0 + (b - 1) * H} + (i % ${H}) ELSE ${T0 + b * H} + (i % ${H}) END AS ts
            FROM range(${ROWS}) t(i)) TO '${join(dir, 'events', `batch-${b}.parquet`)}' (FORMAT parquet)`,
    );
    const t = performance.now();
    const s = await orchestrator.run(pipeline);
    busy += performance.now() - t;
    if (s.status !== 'SUCCEEDED') throw new Error(`bench run ${s.status}`);
  }
  c.closeSync();
  db.closeSync();
  await rm(dir, { recursive: true, force: true });
  return (BATCHES * ROWS) / (busy / 1000);
}

const onTime = await scenario(0);
const late = await scenario(0.1);
console.log(`${BATCHES} batches × ${ROWS} rows, hourly partitions, lateness 3 h`);
console.log(`on time (baseline): ${Math.round(onTime)} rows/s`);
console.log(
  `10 % late:          ${Math.round(late)} rows/s = ${((100 * late) / onTime).toFixed(1)} % of on-time (target ≥ 90 %)`,
);
