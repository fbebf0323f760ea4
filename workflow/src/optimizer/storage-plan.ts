import { z } from 'zod';
import type { ColumnProfile, DatasetProfile } from './profile-dataset.js';

/** How the dataset is read: equality filters, a range column, or full scans. */
export const queryPatternSchema = z
  .object({
    /** Columns compared with `=` or `IN` (symbol, exchange, account). */
    filter: z.array(z.string().min(1)).default([]),
    /** A column read by range (event time). */
    range: z.string().min(1).optional(),
  })
  .strict();
export type QueryPatternInput = z.input<typeof queryPatternSchema>;

/** Options of {@link planStorage}. */
export const planOptionsSchema = z
  .object({
    queryPatterns: z.array(queryPatternSchema).default([]),
    /** `write-once` data (raw zone, curated tables) earns a slower, tighter codec level. @default 'write-once' */
    writes: z.enum(['write-once', 'frequent']).default('write-once'),
    /** Smallest worthwhile partition, compressed bytes. @default 64 MiB */
    minPartitionBytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024),
  })
  .strict();
export type PlanOptions = z.input<typeof planOptionsSchema>;

/** One Iceberg-style partition field. */
export interface PartitionChoice {
  readonly source: string;
  /** `identity`, `day`, `hour` or `bucket[N]`. */
  readonly transform: string;
}

/** A choice and why it was made, in words for the person reading the plan. */
export interface Decision {
  readonly setting: string;
  readonly value: string;
  readonly reason: string;
}

/** How to store a dataset: codec, level, dictionary, sort order, partitioning, sizes, with reasons. */
export interface StoragePlan {
  readonly codec: 'zstd';
  readonly compressionLevel: number;
  readonly dictionaryColumns: readonly string[];
  readonly sortOrder: readonly string[];
  readonly partitionSpec: readonly PartitionChoice[];
  readonly rowGroupSize: number;
  readonly targetFileSizeBytes: number;
  readonly decisions: readonly Decision[];
}

/** Compressed bytes per raw byte assumed for sizing before anything is written (zstd on sorted columns). */
const ASSUMED_RATIO = 0.25;
const DEFAULT_ROW_GROUP = 122_880;
const MAX_ROW_GROUP = 1_048_576;
/**
 * Smallest row group when queries filter: every row group adds statistics to the footer that each
 * query reads. Measured on the file-quality shape (20 000 rows a day, a one-day filter), groups of
 * 20 480 rows made that query slower than DuckDB's default file; 61 440 (half the default) read
 * fewer rows than the default without the footer growing past what pruning saves.
 */
const MIN_FILTERED_ROW_GROUP = 61_440;
const MiB = 1024 * 1024;

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * Chooses how to store a profiled dataset. Pure: the same profile and options always give the
 * same plan, so the choices are testable with synthetic profiles of any size.
 */
export function planStorage(profile: DatasetProfile, input: PlanOptions = {}): StoragePlan {
  const options = planOptionsSchema.parse(input);
  const decisions: Decision[] = [];
  const byName = new Map(profile.columns.map((c) => [c.name, c]));
  const rows = Math.max(profile.rowCount, 1);
  const estimatedBytes = profile.rowCount * profile.rowBytes * ASSUMED_RATIO;

  const compressionLevel = options.writes === 'write-once' ? 9 : 3;
  decisions.push({
    setting: 'codec',
    value: `zstd level ${compressionLevel}`,
    reason:
      options.writes === 'write-once'
        ? 'written once and read many times: zstd 9 costs about twice the write time of level 3 for a tighter file, and decodes as fast; snappy trades size for a speed the readers do not need'
        : 'written often: zstd 3 keeps writes cheap and still beats snappy on size',
  });

  const dictionaryColumns = profile.columns
    .filter((c) => c.distinct > 0 && (c.distinct <= 65_536 || c.distinct / rows <= 0.05))
    .map((c) => c.name);
  decisions.push({
    setting: 'dictionary',
    value: dictionaryColumns.join(', ') || 'none',
    reason:
      'dictionary-encode columns with few distinct values (≤ 65 536 or ≤ 5 % of rows); near-unique columns (ids, times, amounts) stay plain, where zstd does better than a dictionary that would only repeat every value',
  });

  const sortOrder = chooseSortOrder(profile, options.queryPatterns, decisions);
  const partitionSpec = choosePartitions(profile, options, estimatedBytes, byName, decisions);

  const filterColumns = [...new Set(options.queryPatterns.flatMap((p) => p.filter))]
    .map((name) => byName.get(name))
    .filter((c): c is ColumnProfile => c !== undefined);
  let rowGroupSize = Math.min(MAX_ROW_GROUP, Math.max(DEFAULT_ROW_GROUP, profile.rowCount));
  let rowGroupReason = 'read by full scans: large row groups compress better and cost fewer footers';
  if (filterColumns.length > 0) {
    // Sorted by the filter columns, each combination of their values is one contiguous run:
    // a row group per run lets min/max statistics skip every run a query does not ask for.
    const runs = Math.min(
      rows,
      filterColumns.reduce((n, c) => n * Math.max(c.distinct, 1), 1),
    );
    rowGroupSize = Math.min(MAX_ROW_GROUP, Math.max(MIN_FILTERED_ROW_GROUP, Math.ceil(rows / runs)));
    rowGroupReason = `filtered on ${filterColumns.map((c) => c.name).join(', ')}: about one row group per combination of their values (${fmt(rows / runs)} rows) so min/max statistics skip the others, never below 61 440 rows (more row groups cost every query their footer entries)`;
  }
  decisions.push({ setting: 'row group', value: `${fmt(rowGroupSize)} rows`, reason: rowGroupReason });

  const targetFileSizeBytes = estimatedBytes > 10 * 1024 * MiB ? 512 * MiB : 128 * MiB;
  decisions.push({
    setting: 'target file size',
    value: `${targetFileSizeBytes / MiB} MiB`,
    reason: `about ${fmt(estimatedBytes / MiB)} MiB compressed expected; ${targetFileSizeBytes === 128 * MiB ? '128 MiB files keep parallel reads and compaction cheap' : 'over 10 GiB, 512 MiB files keep the file count and manifest size down'}`,
  });

  return {
    codec: 'zstd',
    compressionLevel,
    dictionaryColumns,
    sortOrder,
    partitionSpec,
    rowGroupSize,
    targetFileSizeBytes,
    decisions,
  };
}

function chooseSortOrder(
  profile: DatasetProfile,
  patterns: readonly { filter: string[]; range?: string | undefined }[],
  decisions: Decision[],
): string[] {
  const known = new Set(profile.columns.map((c) => c.name));
  const distinct = (name: string) => profile.columns.find((c) => c.name === name)!.distinct;
  const filters = [...new Set(patterns.flatMap((p) => p.filter))].filter((c) => known.has(c));
  const ranges = [...new Set(patterns.flatMap((p) => (p.range === undefined ? [] : [p.range])))].filter((c) =>
    known.has(c),
  );
  let order: string[];
  let reason: string;
  if (filters.length > 0 || ranges.length > 0) {
    order = [...filters.sort((a, b) => distinct(a) - distinct(b)), ...ranges.filter((r) => !filters.includes(r))];
    reason = `the declared queries filter on ${filters.join(', ') || '(nothing)'}${ranges.length > 0 ? ` and read ${ranges.join(', ')} by range` : ''}: sorting by them (fewest values first) clusters each query's rows into few row groups and lets runs of equal values compress`;
  } else {
    const low = profile.columns
      .filter((c) => c.distinct > 1 && c.distinct / Math.max(profile.rowCount, 1) <= 0.01 && c.type === 'VARCHAR')
      .sort((a, b) => a.distinct - b.distinct)
      .slice(0, 3);
    const time = profile.columns.find((c) => c.range !== undefined);
    order = [...low.map((c) => c.name), ...(time === undefined ? [] : [time.name])];
    reason =
      order.length === 0
        ? 'no declared queries and no low-cardinality or time column: insertion order is kept'
        : `no declared queries: low-cardinality text columns first (long runs of equal values), then ${time === undefined ? 'nothing' : `the time column ${time.name}`}`;
  }
  decisions.push({ setting: 'sort order', value: order.join(', ') || 'insertion order', reason });
  return order;
}

function choosePartitions(
  profile: DatasetProfile,
  options: z.output<typeof planOptionsSchema>,
  estimatedBytes: number,
  byName: Map<string, ColumnProfile>,
  decisions: Decision[],
): PartitionChoice[] {
  const min = options.minPartitionBytes;
  const mib = (n: number) => `${fmt(n / MiB)} MiB`;
  const rangeName = options.queryPatterns.find((p) => p.range !== undefined)?.range;
  const time =
    (rangeName === undefined ? undefined : byName.get(rangeName)) ?? profile.columns.find((c) => c.range !== undefined);
  const out: PartitionChoice[] = [];
  const why: string[] = [];
  if (time?.range !== undefined) {
    const hours = Math.max((time.range.max - time.range.min) / 3_600_000, 1);
    const perHour = estimatedBytes / hours;
    if (perHour >= min) out.push({ source: time.name, transform: 'hour' });
    else if (perHour * 24 >= min) out.push({ source: time.name, transform: 'day' });
    why.push(
      out.length > 0
        ? `${time.name} spans ${fmt(hours)} h with ~${mib(perHour)} per hour: ${out[0]!.transform} partitions hold at least ${mib(min)} each`
        : `${time.name} spans ${fmt(hours)} h, only ~${mib(perHour * 24)} per day: day partitions would be smaller than ${mib(min)}, so time pruning is left to sorted row groups`,
    );
  }
  for (const name of new Set(options.queryPatterns.flatMap((p) => p.filter))) {
    const column = byName.get(name);
    if (column === undefined) continue;
    const perValue = estimatedBytes / Math.max(column.distinct, 1);
    if (column.distinct <= 100 && perValue >= min) {
      out.push({ source: name, transform: 'identity' });
      why.push(`${name} has ${column.distinct} values of ~${mib(perValue)} each: identity partitions`);
    } else if (column.distinct > 100 && estimatedBytes >= 2 * min) {
      const buckets = 2 ** Math.min(10, Math.max(1, Math.floor(Math.log2(estimatedBytes / min))));
      out.push({ source: name, transform: `bucket[${buckets}]` });
      why.push(
        `${name} has ${fmt(column.distinct)} values: bucket[${buckets}] keeps partitions near ${mib(estimatedBytes / buckets)}`,
      );
    } else {
      why.push(
        `${name}: ${column.distinct} value(s) of ~${mib(perValue)} each are too small to partition on; sorting prunes instead`,
      );
    }
  }
  decisions.push({
    setting: 'partition spec',
    value: out.map((p) => `${p.transform}(${p.source})`).join(', ') || 'unpartitioned',
    reason:
      why.join('; ') || `about ${mib(estimatedBytes)} in all, no time column and no declared filters: one partition`,
  });
  return out;
}
