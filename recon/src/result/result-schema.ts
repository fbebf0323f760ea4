import { isAbsolute } from 'node:path';
import { z } from 'zod';
import type {
  AggregateDiff,
  CheckStatus,
  DeclaredType,
  HashResult,
  KeyResult,
  MismatchCell,
  NullProfile,
  ReconResult,
  RowCountResult,
  SchemaColumn,
  SchemaResult,
  SummaryRow,
} from './types.js';

/** Typed against the interfaces in types.ts, so a field added there fails the type check here. */
export const checkStatusSchema: z.ZodType<CheckStatus> = z.enum(['PASS', 'WARN', 'FAIL', 'ERROR', 'SKIPPED']);

const count = z.number().int().nonnegative();

const rowCountSchema: z.ZodType<RowCountResult> = z.object({
  status: checkStatusSchema,
  source: count,
  target: count,
  difference: z.number().int(),
});

const schemaColumnSchema: z.ZodType<SchemaColumn> = z.object({
  column: z.string(),
  targetColumn: z.string().nullable(),
  sourceType: z.string().nullable(),
  targetType: z.string().nullable(),
  status: checkStatusSchema,
  issue: z.enum(['match', 'missing_in_target', 'extra_in_target', 'type_compatible', 'type_mismatch', 'excluded']),
});

const declaredTypeSchema: z.ZodType<DeclaredType> = z.object({
  side: z.enum(['source', 'target']),
  column: z.string(),
  declaredType: z.string(),
  inferredType: z.string().nullable(),
});

const schemaResultSchema: z.ZodType<SchemaResult> = z.object({
  status: checkStatusSchema,
  columns: z.array(schemaColumnSchema),
  missingInTarget: z.array(z.string()),
  extraInTarget: z.array(z.string()),
  typeWarnings: z.array(z.string()),
  typeFailures: z.array(z.string()),
  declaredTypes: z.array(declaredTypeSchema),
});

const nullProfileSchema: z.ZodType<NullProfile> = z.object({
  column: z.string(),
  status: checkStatusSchema,
  sourceNulls: count,
  targetNulls: count,
  sourceNullPct: z.number(),
  targetNullPct: z.number(),
  delta: z.number(),
  deltaPctPoints: z.number(),
});

const aggregateDiffSchema: z.ZodType<AggregateDiff> = z.object({
  column: z.string(),
  metric: z.enum(['sum', 'min', 'max', 'avg']),
  status: checkStatusSchema,
  source: z.number().nullable(),
  target: z.number().nullable(),
  difference: z.number().nullable(),
  relativeDifference: z.number().nullable(),
});

const keyResultSchema: z.ZodType<KeyResult> = z.object({
  status: checkStatusSchema,
  detail: z.string(),
  sourceOnly: count,
  targetOnly: count,
  duplicatePolicy: z.enum(['first', 'exclude', 'all']),
  duplicateKeysSource: count,
  duplicateRowsSource: count,
  exactDuplicateKeysSource: count,
  conflictingDuplicateKeysSource: count,
  duplicateKeysTarget: count,
  duplicateRowsTarget: count,
  exactDuplicateKeysTarget: count,
  conflictingDuplicateKeysTarget: count,
  pairedKeys: count,
  pairedWithDuplicates: count,
  duplicatePairsCompared: count,
  sample: z.array(
    z.object({
      kind: z.enum(['source_only', 'target_only', 'duplicate_source', 'duplicate_target']),
      recordKey: z.string(),
      sourceRows: count,
      targetRows: count,
    }),
  ),
});

const mismatchCellSchema: z.ZodType<MismatchCell> = z.object({
  recordKey: z.string(),
  column: z.string(),
  sourceValue: z.string().nullable(),
  targetValue: z.string().nullable(),
});

const hashResultSchema: z.ZodType<HashResult> = z.object({
  status: checkStatusSchema,
  detail: z.string(),
  pairedRows: count,
  hashCandidates: count,
  mismatchedRows: count,
  matchedRows: count,
  toleratedRows: count,
  byColumn: z.array(z.object({ column: z.string(), mismatches: count })),
  sample: z.array(mismatchCellSchema),
});

const summaryRowSchema: z.ZodType<SummaryRow> = z.object({
  check: z.string(),
  status: checkStatusSchema,
  sourceCount: z.number().nullable(),
  targetCount: z.number().nullable(),
  difference: z.number().nullable(),
  matchRate: z.number().nullable(),
  detail: z.string(),
});

/**
 * A path the dashboard joins to the output folder and serves: relative and without `..`, so a
 * stored file cannot point it at anything else on disk.
 */
export const insideFolderSchema = z
  .string()
  .min(1)
  .refine((p) => !isAbsolute(p) && !p.split(/[\\/]/).includes('..'), {
    message: 'must be a path inside the output folder (relative, no "..")',
  });

/** Artifact names are files inside the output folder; the dashboard serves only these. */
export const artifactsSchema = z.record(z.string(), insideFolderSchema);

/** A reconciliation's result.json as {@link ReconResult}. */
export const reconResultSchema: z.ZodType<ReconResult> = z.object({
  name: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number().nonnegative(),
  reconciled: z.boolean(),
  matchRate: z.number().min(0).max(100),
  source: z.object({ location: z.string() }),
  target: z.object({ location: z.string() }),
  primaryKey: z.array(z.string()),
  rowCount: rowCountSchema,
  schema: schemaResultSchema,
  nulls: z.object({ status: checkStatusSchema, columns: z.array(nullProfileSchema) }),
  aggregates: z.object({ status: checkStatusSchema, rows: z.array(aggregateDiffSchema) }),
  keys: keyResultSchema,
  hash: hashResultSchema,
  summary: z.array(summaryRowSchema),
  messages: z.array(z.string()),
  artifacts: artifactsSchema,
});
