import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { localPath } from '../../datasets/locations.js';
import { listLocalObjects } from '../../datasets/local-listing.js';
import { WorkflowUsageError } from '../../errors.js';
import type { StageContext, StageResult, StageType } from '../stage-type.js';
import { lit, readerFor, withDuckDb } from './duck.js';

const paramsSchema = z
  .object({
    /** SQL over the view `input` (one input file at a time). @default SELECT * FROM input */
    sql: z.string().default('SELECT * FROM input'),
  })
  .strict();

/** The quarantine folder of a stage: where unreadable inputs are recorded with the reason. */
export function quarantineDir(ctx: Pick<StageContext, 'baseDir' | 'pipeline' | 'stage'>): string {
  return join(ctx.baseDir, '.coattail', 'quarantine', ctx.pipeline, ctx.stage.id);
}

const DATA = /\.(csv|parquet|jsonl|ndjson|json)$/;

/**
 * `transform-files`: one output Parquet file per input file (`<out>/<key>.parquet`), written to a
 * temporary name and renamed, so a re-run replaces instead of appending and a crash leaves no
 * half file. Incremental runs touch only new and changed inputs and remove the outputs of deleted
 * ones. An input DuckDB cannot read is quarantined with the reason; the run goes on with the rest.
 */
export const transformFilesStage: StageType = {
  name: 'transform-files',
  description:
    'runs SQL over each input file (view `input`) into one Parquet file per input, replacing, never appending',
  async run(ctx): Promise<StageResult> {
    const params = paramsSchema.parse(ctx.stage.params);
    const [input, output] = [ctx.inputs[0], ctx.outputs[0]];
    if (input?.scheme !== 'file' || output?.scheme !== 'file')
      throw new WorkflowUsageError(
        `stage '${ctx.stage.id}': transform-files reads one file:// input and writes one file:// output`,
      );
    const inDir = localPath(input.uri, ctx.baseDir);
    const outDir = localPath(output.uri, ctx.baseDir);
    const changes = ctx.changes?.find((c) => c.input === input.uri);
    const keys = (
      changes && !changes.full
        ? [...changes.added, ...changes.changed]
        : (await listLocalObjects(inDir)).map((o) => o.key)
    ).filter((k) => DATA.test(k));
    for (const gone of changes?.deleted ?? []) await rm(join(outDir, `${gone}.parquet`), { force: true });
    let rows = 0;
    const quarantined: string[] = [];
    await withDuckDb(async (db) => {
      for (const [i, key] of keys.entries()) {
        if (ctx.signal.aborted) throw ctx.signal.reason as Error;
        const target = join(outDir, `${key}.parquet`);
        const tmp = `${target}.${ctx.runId}.tmp`;
        await mkdir(dirname(target), { recursive: true });
        try {
          await db.run(`CREATE OR REPLACE TEMP VIEW input AS SELECT * FROM ${readerFor([join(inDir, key)])}`);
          const counted = await db.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM (${params.sql})`);
          await db.run(`COPY (${params.sql}) TO ${lit(tmp)} (FORMAT parquet)`);
          await rename(tmp, target);
          rows += Number(counted.getRowObjectsJson()[0]?.n ?? 0);
        } catch (error) {
          await rm(tmp, { force: true });
          const reason = (error as Error).message.split('\n')[0] ?? 'unreadable';
          const q = join(quarantineDir(ctx), `${key}.json`);
          await mkdir(dirname(q), { recursive: true });
          await writeFile(
            q,
            JSON.stringify(
              { input: `${input.uri}${key}`, reason: `unreadable input: ${reason}`, runId: ctx.runId },
              null,
              2,
            ),
          );
          quarantined.push(key);
          ctx.logger.warn({ key, reason }, 'input quarantined');
        }
        if ((i + 1) % 500 === 0) ctx.progress(`${i + 1}/${keys.length} files`, (i + 1) / keys.length);
      }
    });
    const written = (await readdir(outDir, { recursive: true }).catch(() => [] as string[])).filter((f) =>
      f.endsWith('.parquet'),
    );
    return {
      outputs: [
        { dataset: output.uri, rows, location: outDir, files: written.map((f) => join(outDir, f)), format: 'parquet' },
      ],
      summary: `${keys.length - quarantined.length} file(s) transformed, ${rows} rows${quarantined.length > 0 ? `, ${quarantined.length} quarantined (${quarantineDir(ctx)})` : ''}`,
      metrics: { files: keys.length, rows, quarantined: quarantined.length, outputFiles: written.length },
    };
  },
};
