import type { DataFile } from '@coattail/iceberg';
import { CheckpointError, listIssues, type Json } from '@coattail/runtime';
import { z } from 'zod';

type Value = DataFile['partition'][number];

function encodeValue(v: Value): Json {
  if (v === null) return null;
  if (typeof v === 'bigint') return { bigint: v.toString() };
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('base64') };
  return v;
}

const counts = (m: Map<number, number> | undefined): Json => (m === undefined ? null : [...m]);
const bounds = (m: Map<number, Uint8Array>): Json => [...m].map(([k, b]) => [k, Buffer.from(b).toString('base64')]);

/**
 * A data file's metadata as JSON, so written-but-uncommitted files can ride inside a runtime
 * checkpoint (maps become entry lists, bytes base64, longs decimal strings).
 */
export function encodeDataFile(f: DataFile): Json {
  return {
    content: f.content,
    filePath: f.filePath,
    fileFormat: f.fileFormat,
    partition: f.partition.map(encodeValue),
    recordCount: f.recordCount,
    fileSizeInBytes: f.fileSizeInBytes,
    columnSizes: counts(f.columnSizes),
    valueCounts: counts(f.valueCounts),
    nullValueCounts: counts(f.nullValueCounts),
    nanValueCounts: counts(f.nanValueCounts),
    lowerBounds: bounds(f.lowerBounds),
    upperBounds: bounds(f.upperBounds),
    splitOffsets: f.splitOffsets ?? null,
    sortOrderId: f.sortOrderId ?? null,
  };
}

// The decoding side: what encodeDataFile wrote, read back from a stored checkpoint. A committable
// of another shape would commit a data file the table does not have, or wrong statistics.
const fieldId = z.number().int();
const base64 = z.base64();
const countsSchema = z
  .array(z.tuple([fieldId, z.number().int().nonnegative()]))
  .nullable()
  .transform((entries) => (entries === null ? undefined : new Map(entries)));
const boundsSchema = z
  .array(z.tuple([fieldId, base64]))
  .transform((entries) => new Map(entries.map(([k, b]) => [k, new Uint8Array(Buffer.from(b, 'base64'))])));
const valueSchema: z.ZodType<Value> = z.union([
  z.null(),
  z.boolean(),
  z.number(),
  z.string(),
  z.strictObject({ bigint: z.string().regex(/^-?\d+$/) }).transform((v) => BigInt(v.bigint)),
  z.strictObject({ bytes: base64 }).transform((v) => new Uint8Array(Buffer.from(v.bytes, 'base64'))),
]);

const dataFileSchema: z.ZodType<DataFile> = z
  .object({
    content: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    filePath: z.string().min(1),
    fileFormat: z.string().min(1),
    partition: z.array(valueSchema),
    recordCount: z.number().int().nonnegative(),
    fileSizeInBytes: z.number().int().nonnegative(),
    columnSizes: countsSchema,
    valueCounts: countsSchema,
    nullValueCounts: countsSchema,
    nanValueCounts: countsSchema,
    lowerBounds: boundsSchema,
    upperBounds: boundsSchema,
    splitOffsets: z.array(z.number().int().nonnegative()).nullable(),
    sortOrderId: z.number().int().nullable(),
  })
  .transform((o): DataFile => ({
    ...o,
    valueCounts: o.valueCounts ?? new Map<number, number>(),
    nullValueCounts: o.nullValueCounts ?? new Map<number, number>(),
    splitOffsets: o.splitOffsets ?? undefined,
    sortOrderId: o.sortOrderId ?? undefined,
  }));

const committableSchema = z.object({ files: z.array(dataFileSchema) });

/**
 * The data files of a committable the sink prepared, as restored from a checkpoint, or a
 * non-retryable {@link CheckpointError} naming the sink, the checkpoint and what is wrong (a
 * restart would read the same bytes).
 */
export function decodeCommittable(committable: Json, sink: string, checkpointId: number): DataFile[] {
  const parsed = committableSchema.safeParse(committable);
  if (!parsed.success)
    throw new CheckpointError(
      `Iceberg sink '${sink}': the files prepared by checkpoint ${checkpointId} are not what this sink writes (${listIssues(parsed.error)}); nothing was committed. Restore from the checkpoint before it`,
      { retryable: false },
    );
  return parsed.data.files;
}
