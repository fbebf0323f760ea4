import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { localPath } from '../../datasets/locations.js';
import { listLocalObjects } from '../../datasets/local-listing.js';
import { WorkflowUsageError } from '../../errors.js';
import { planWindows, windowStateSchema, type PartitionCount } from '../../windows/late-data.js';
import { parsePartitionKey } from '../../windows/partitions.js';
import type { StageResult, StageType } from '../stage-type.js';
import { lit, readerFor, withDuckDb } from './duck.js';
import { quarantineDir } from './transform-files.js';

const paramsSchema = z
  .object({
    /** Aggregation over the view `events` (the rows of one partition). */
    sql: z.string().min(1),
  })
  .strict();

const DATA = /\.(csv|parquet|jsonl|ndjson|json)$/;

/**
 * `window-aggregate`: an event-time partitioned aggregation with allowed lateness. New input rows
 * are counted per partition; partitions never written are written, partitions already written
 * that late rows (within the lateness) touch are recomputed from all input and replaced, and rows
 * for partitions closed beyond the lateness go to quarantine with reason `too_late`. A backfill
 * (a run for one partition) recomputes that partition. Every write replaces `<out>/<key>.parquet`,
 * so re-running never counts a row twice. The event-time column holds epoch milliseconds.
 */
export const windowAggregateStage: StageType = {
  name: 'window-aggregate',
  description: 'event-time partitioned aggregation with allowed lateness, late-data re-runs and too_late quarantine',
  async run(ctx): Promise<StageResult> {
    const params = paramsSchema.parse(ctx.stage.params);
    const spec = ctx.stage.partitioning;
    const [input, output] = [ctx.inputs[0], ctx.outputs[0]];
    if (!spec)
      throw new WorkflowUsageError(
        `stage '${ctx.stage.id}': window-aggregate needs partitioning (granularity, eventTime, lateness)`,
      );
    if (input?.scheme !== 'file' || output?.scheme !== 'file')
      throw new WorkflowUsageError(
        `stage '${ctx.stage.id}': window-aggregate reads one file:// input and writes one file:// output`,
      );
    const inDir = localPath(input.uri, ctx.baseDir);
    const outDir = localPath(output.uri, ctx.baseDir);
    const all = (await listLocalObjects(inDir)).map((o) => join(inDir, o.key)).filter((p) => DATA.test(p));
    const changes = ctx.changes?.find((c) => c.input === input.uri);
    const fresh =
      changes && !changes.full
        ? [...changes.added, ...changes.changed].map((k) => join(inDir, k)).filter((p) => DATA.test(p))
        : all;
    const col = `"${spec.eventTime.replaceAll('"', '""')}"`;
    const fmt = spec.granularity === 'day' ? '%Y-%m-%d' : '%Y-%m-%dT%H';
    const keyExpr = `strftime(epoch_ms(${col}::BIGINT), '${fmt}')`;
    const stateKey = `windows/${ctx.stage.id}`;
    return withDuckDb(async (db) => {
      let targets: string[];
      let tooLateRows = 0;
      let rerun = 0;
      if (ctx.partition) targets = [ctx.partition.key];
      else {
        const counts: PartitionCount[] =
          fresh.length === 0
            ? []
            : (
                await db.runAndReadAll(
                  `SELECT ${keyExpr} AS key, count(*)::INTEGER AS rows, max(${col})::BIGINT AS m FROM ${readerFor(fresh)} GROUP BY 1`,
                )
              )
                .getRowObjectsJson()
                .map((r) => ({
                  key: typeof r.key === 'string' ? r.key : '',
                  rows: Number(r.rows),
                  maxEventTime: Number(r.m),
                }));
        const stored = windowStateSchema.safeParse(await ctx.state.get(stateKey));
        const plan = planWindows(counts, stored.success ? stored.data : undefined, spec.granularity, spec.lateness);
        if (plan.tooLate.length > 0) {
          const q = join(quarantineDir(ctx), 'too_late');
          await mkdir(q, { recursive: true });
          const keys = plan.tooLate.map(lit).join(', ');
          await db.run(
            `COPY (SELECT *, 'too_late' AS quarantine_reason FROM ${readerFor(fresh)} WHERE ${keyExpr} IN (${keys})) TO ${lit(join(q, `${ctx.runId}.parquet`))} (FORMAT parquet)`,
          );
        }
        targets = [...plan.fresh, ...plan.rerun];
        tooLateRows = plan.tooLateRows;
        rerun = plan.rerun.length;
        await ctx.state.put(stateKey, plan.next);
      }
      await mkdir(outDir, { recursive: true });
      // One scan of the input for every partition to write: late data adds a partition to write,
      // not another pass over the whole input.
      if (targets.length > 0)
        await db.run(
          `CREATE OR REPLACE TEMP TABLE window_rows AS SELECT *, ${keyExpr} AS __partition FROM ${readerFor(all)} WHERE ${keyExpr} IN (${targets.map(lit).join(', ')})`,
        );
      for (const key of targets) {
        parsePartitionKey(key);
        const tmp = join(outDir, `${key}.parquet.${ctx.runId}.tmp`);
        await db.run(
          `CREATE OR REPLACE TEMP VIEW events AS SELECT * EXCLUDE (__partition) FROM window_rows WHERE __partition = ${lit(key)}`,
        );
        try {
          await db.run(
            `COPY (SELECT ${lit(key)} AS partition, * FROM (${params.sql})) TO ${lit(tmp)} (FORMAT parquet)`,
          );
          await rename(tmp, join(outDir, `${key}.parquet`));
        } finally {
          await rm(tmp, { force: true });
        }
      }
      return {
        outputs: [{ dataset: output.uri, location: outDir }],
        summary: `${targets.length} partition(s) written (${rerun} re-run for late data)${tooLateRows > 0 ? `, ${tooLateRows} row(s) too late → ${join(quarantineDir(ctx), 'too_late')}` : ''}`,
        metrics: { partitions: targets.length, rerun, tooLate: tooLateRows },
      };
    });
  },
};
