import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { StageType } from '@coattail/workflow';
import { z } from 'zod';
import { writeScoresToPostgres, type ScoredFile } from './file-quality-postgres.js';

const paramsSchema = z
  .object({
    /** The file-quality service's schema definition the files are scored against. @default none (format checks only) */
    definition: z.unknown().optional(),
    /** Fail the stage when a file scores below this (0–100). @default never */
    failBelow: z.number().min(0).max(100).optional(),
    /**
     * PostgreSQL the scores are written to, into the file-quality service's `reporting.*` tables.
     * @default DATABASE_URL (the service's own setting); without either, the JSON report only
     */
    database: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
      .optional(),
    /** The `agency_slug` the scored files are monitored under. @default coattail */
    agency: z.string().min(1).default('coattail'),
  })
  .strict();

/** One scored file of the report. */
interface FileScore {
  file: string;
  score: number;
  passed: boolean;
  rows: number;
  failed: string | null;
}

/**
 * `file-quality`: scores every data file of the stage's `file://` input with the file-quality
 * service's checks (schema, format, completeness, bounds, uniqueness; the same DuckDB analysis
 * and scoring), and writes the scores as JSON to its `file://` output and, when a PostgreSQL URL
 * is configured (`database`, else `DATABASE_URL`), to the service's `reporting.*` tables as the
 * service writes them. Scores are kept, not enforced, unless `failBelow` is set: the quality
 * gates are what stop a pipeline.
 */
export const fileQualityStage: StageType = {
  name: 'file-quality',
  description:
    'scores each landed data file with the file-quality checks; scores to PostgreSQL reporting.* when configured and a JSON report',
  async run(ctx) {
    const { localPath, WorkflowUsageError } = await import('@coattail/workflow');
    const parsed = paramsSchema.safeParse(ctx.stage.params);
    if (!parsed.success)
      throw new WorkflowUsageError(
        `stage '${ctx.stage.id}': ${parsed.error.issues.map((i) => `params.${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    const p = parsed.data;
    const [input, output] = [ctx.inputs.find((i) => i.scheme === 'file'), ctx.outputs.find((o) => o.scheme === 'file')];
    if (input === undefined || output === undefined)
      throw new WorkflowUsageError(
        `stage '${ctx.stage.id}': file-quality reads a file:// input and writes a file:// report`,
      );
    const [
      { ParserRegistry, analyzeFile, ParseFailure },
      { assessFile, assessParseFailure, buildProfilePayload, parseSchemaDefinition },
    ] = await Promise.all([import('@coattail/file-quality'), import('@coattail/quality')]);
    const database = p.database ?? process.env.DATABASE_URL;
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const definition = parseSchemaDefinition(p.definition ?? {});
    const parsers = ParserRegistry.withDefaults();
    const dir = localPath(input.uri, ctx.baseDir);
    const files = (await readdir(dir, { recursive: true })).filter((f) => parsers.resolve(f) !== undefined).sort();
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const scores: FileScore[] = [];
    const scored: ScoredFile[] = [];
    try {
      for (const file of files) {
        if (ctx.signal.aborted) throw ctx.signal.reason as Error;
        const parser = parsers.require(file);
        try {
          const { facts, profile } = await analyzeFile(instance, join(dir, file), parser, definition);
          const a = assessFile(facts, definition);
          scored.push({
            file,
            path: join(dir, file),
            quality: a,
            profile: buildProfilePayload(profile, facts, definition),
          });
          scores.push({
            file,
            score: a.score,
            passed: a.passed,
            rows: facts.rowCount,
            failed: a.failedValidationMessage,
          });
        } catch (error) {
          if (!(error instanceof ParseFailure)) throw error;
          const a = assessParseFailure(parser.label, error.message);
          scored.push({ file, path: join(dir, file), quality: a });
          scores.push({ file, score: a.score, passed: a.passed, rows: 0, failed: a.failedValidationMessage });
        }
      }
    } finally {
      instance.closeSync();
    }
    const outDir = localPath(output.uri, ctx.baseDir);
    await mkdir(outDir, { recursive: true });
    const report = join(outDir, `file-quality-${ctx.runId}.json`);
    await writeFile(report, `${JSON.stringify({ runId: ctx.runId, input: input.uri, files: scores }, null, 2)}\n`);
    const written = database === undefined ? undefined : await writeScoresToPostgres(database, p.agency, scored);
    const failing = scores.filter((s) => !s.passed);
    const lowest = scores.reduce((m, s) => Math.min(m, s.score), 100);
    const summary = `${scores.length} file(s) scored, ${failing.length} below the pass mark, lowest ${lowest}; report ${relative(ctx.baseDir, report)}${written ? `; scores in ${written.dataset}` : ''}`;
    if (p.failBelow !== undefined && lowest < p.failBelow)
      throw new WorkflowUsageError(
        `stage '${ctx.stage.id}': ${scores
          .filter((s) => s.score < p.failBelow!)
          .map((s) => `${s.file} scored ${s.score}`)
          .join(', ')} (below ${p.failBelow}); ${summary}`,
      );
    return {
      outputs: [
        { dataset: output.uri, location: report },
        ...(written ? [{ dataset: written.dataset, rows: written.runs }] : []),
      ],
      summary,
      metrics: { files: scores.length, belowPassMark: failing.length, lowestScore: lowest },
    };
  },
};
