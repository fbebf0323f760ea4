import { z } from 'zod';
import type { ColumnInfo, OutputReport, StageResult } from './stage-type.js';

const columnInfoSchema: z.ZodType<ColumnInfo> = z.object({ name: z.string(), type: z.string() });

const outputReportSchema: z.ZodType<OutputReport> = z.looseObject({
  dataset: z.string(),
  rows: z.number().int().nonnegative().optional(),
  bytes: z.number().int().nonnegative().optional(),
  snapshotId: z
    .string()
    .regex(/^-?\d+$/)
    .optional(),
  columns: z.array(columnInfoSchema).optional(),
  location: z.string().optional(),
  files: z.array(z.string()).optional(),
  format: z.enum(['parquet', 'csv']).optional(),
});

/**
 * A stage's result as a run store holds it; what a resumed run hands the stages downstream (the
 * files a quality gate reads, the snapshot it checks). Typed against {@link StageResult} so the two
 * stay in step; keys a stage added beyond it are kept, since the record is written back as read.
 */
export const stageResultSchema: z.ZodType<StageResult> = z.looseObject({
  outputs: z.array(outputReportSchema).optional(),
  summary: z.string().optional(),
  metrics: z.record(z.string(), z.number()).optional(),
});
