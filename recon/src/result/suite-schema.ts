import { z } from 'zod';
import { artifactsSchema, insideFolderSchema } from './result-schema.js';
import type { SuiteResult, SuiteTableResult } from './suite-types.js';

const count = z.number().int().nonnegative().nullable();

const suiteTableSchema: z.ZodType<SuiteTableResult> = z.object({
  name: z.string(),
  dir: insideFolderSchema,
  status: z.enum(['RECONCILED', 'NOT RECONCILED', 'ERROR']),
  matchRate: z.number().min(0).max(100).nullable(),
  sourceRows: count,
  targetRows: count,
  mismatchedRows: count,
  sourceOnly: count,
  targetOnly: count,
  duplicateKeysSource: count,
  duplicateKeysTarget: count,
  failedChecks: z.array(z.string()),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number().nonnegative(),
  error: z.string().optional(),
});

/** A multi-table run's suite.json as {@link SuiteResult}; typed against it, so the two stay in step. */
export const suiteResultSchema: z.ZodType<SuiteResult> = z.object({
  name: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number().nonnegative(),
  reconciled: z.boolean(),
  concurrency: z.number().int().positive(),
  tables: z.array(suiteTableSchema),
  artifacts: artifactsSchema,
});
