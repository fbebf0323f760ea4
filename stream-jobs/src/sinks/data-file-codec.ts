import type { DataFile } from '@coattail/iceberg';
import type { Json } from '@coattail/runtime';

type Value = DataFile['partition'][number];

function encodeValue(v: Value): Json {
  if (v === null) return null;
  if (typeof v === 'bigint') return { bigint: v.toString() };
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('base64') };
  return v;
}

function decodeValue(v: Json): Value {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    if (typeof v.bigint === 'string') return BigInt(v.bigint);
    if (typeof v.bytes === 'string') return new Uint8Array(Buffer.from(v.bytes, 'base64'));
  }
  return v as Value;
}

const counts = (m: Map<number, number> | undefined): Json => (m === undefined ? null : [...m]);
const bounds = (m: Map<number, Uint8Array>): Json => [...m].map(([k, b]) => [k, Buffer.from(b).toString('base64')]);
const toCounts = (j: Json): Map<number, number> | undefined =>
  j === null ? undefined : new Map(j as [number, number][]);
const toBounds = (j: Json): Map<number, Uint8Array> =>
  new Map((j as [number, string][]).map(([k, b]) => [k, new Uint8Array(Buffer.from(b, 'base64'))]));

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

export function decodeDataFile(j: Json): DataFile {
  const o = j as Record<string, Json>;
  return {
    content: o.content as DataFile['content'],
    filePath: o.filePath as string,
    fileFormat: o.fileFormat as string,
    partition: (o.partition as Json[]).map(decodeValue),
    recordCount: o.recordCount as number,
    fileSizeInBytes: o.fileSizeInBytes as number,
    columnSizes: toCounts(o.columnSizes ?? null),
    valueCounts: toCounts(o.valueCounts ?? null) ?? new Map<number, number>(),
    nullValueCounts: toCounts(o.nullValueCounts ?? null) ?? new Map<number, number>(),
    nanValueCounts: toCounts(o.nanValueCounts ?? null),
    lowerBounds: toBounds(o.lowerBounds ?? []),
    upperBounds: toBounds(o.upperBounds ?? []),
    splitOffsets: (o.splitOffsets as number[] | null) ?? undefined,
    sortOrderId: (o.sortOrderId as number | null) ?? undefined,
  };
}
