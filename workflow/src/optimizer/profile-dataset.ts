import type { DuckDBConnection } from '@duckdb/node-api';
import { isNumericType } from '../gates/rule-sql.js';
import { quoteIdent } from '../gates/sql-text.js';

/** What the optimizer measured about one column. */
export interface ColumnProfile {
  readonly name: string;
  /** DuckDB's type name. */
  readonly type: string;
  /** Approximate distinct non-null values (HyperLogLog). */
  readonly distinct: number;
  readonly nullRatio: number;
  /** Average bytes of a value: the type's width, or the mean length of text. */
  readonly avgWidth: number;
  /** Share of neighbouring rows (in stored order) already in ascending order, 0…1. */
  readonly sortedness: number;
  /** For timestamp columns (and epoch-millisecond numbers named like times): the value range in epoch ms. */
  readonly range?: { readonly min: number; readonly max: number };
}

/** A dataset's shape, as the storage plan needs it. */
export interface DatasetProfile {
  readonly rowCount: number;
  readonly columns: readonly ColumnProfile[];
  /** Uncompressed bytes per row, from the column widths. */
  readonly rowBytes: number;
}

const FIXED_WIDTH: Record<string, number> = {
  BOOLEAN: 1,
  TINYINT: 1,
  SMALLINT: 2,
  INTEGER: 4,
  BIGINT: 8,
  HUGEINT: 16,
  FLOAT: 4,
  DOUBLE: 8,
  DATE: 4,
};

const isText = (type: string): boolean => type === 'VARCHAR';
const isTemporal = (type: string): boolean => type.startsWith('TIMESTAMP') || type === 'DATE';
/** Epoch-millisecond columns are common in our trade data (`event_time` as a BIGINT). */
const isEpochMs = (name: string, type: string): boolean =>
  isNumericType(type) && /(_time|_at|_ts|timestamp)$/.test(name);

/** How many leading rows the sortedness measure reads: enough to see the write order, cheap on big data. */
export const SORTEDNESS_SAMPLE_ROWS = 200_000;

/**
 * Measures a dataset inside DuckDB (a FROM item: `read_parquet([...])`, a table, a subquery):
 * row count, per-column cardinality, null ratio, width, timestamp range, and how sorted each
 * column already is in stored order. Rows never come to JavaScript.
 */
export async function profileDataset(connection: DuckDBConnection, from: string): Promise<DatasetProfile> {
  const described = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`)).getRowObjectsJson();
  const columns = described.map((r) => ({ name: r.column_name as string, type: r.column_type as string }));
  const terms = columns.flatMap((c, i) => {
    const col = quoteIdent(c.name);
    const out = [`approx_count_distinct(${col}) AS d${i}`, `count(${col}) AS n${i}`];
    if (isText(c.type)) out.push(`avg(strlen(${col})) AS w${i}`);
    if (isTemporal(c.type))
      out.push(`epoch_ms(min(${col})::TIMESTAMP) AS lo${i}`, `epoch_ms(max(${col})::TIMESTAMP) AS hi${i}`);
    else if (isEpochMs(c.name, c.type)) out.push(`min(${col})::DOUBLE AS lo${i}`, `max(${col})::DOUBLE AS hi${i}`);
    return out;
  });
  const stats = (
    await connection.runAndReadAll(`SELECT count(*) AS rows, ${terms.join(', ')} FROM ${from}`)
  ).getRowObjectsJson()[0]!;
  // Window functions cannot nest in aggregates: compute the flags in a subquery first.
  const flags = columns.map((c, i) => {
    const col = quoteIdent(c.name);
    return `CASE WHEN lag(${col}) OVER w IS NULL OR ${col} IS NULL THEN NULL WHEN ${col} >= lag(${col}) OVER w THEN 1.0 ELSE 0.0 END AS f${i}`;
  });
  const order = (
    await connection.runAndReadAll(
      `SELECT ${columns.map((_, i) => `coalesce(avg(f${i}), 1.0) AS s${i}`).join(', ')} FROM (
         SELECT ${flags.join(', ')} FROM (SELECT *, row_number() OVER () AS __rn FROM (SELECT * FROM ${from} LIMIT ${SORTEDNESS_SAMPLE_ROWS}))
         WINDOW w AS (ORDER BY __rn))`,
    )
  ).getRowObjectsJson()[0]!;
  const rowCount = Number(stats.rows);
  const profiles: ColumnProfile[] = columns.map((c, i) => {
    const nonNull = Number(stats[`n${i}`]);
    const width = isText(c.type) ? Number(stats[`w${i}`] ?? 0) : (FIXED_WIDTH[c.type] ?? 8);
    const lo = stats[`lo${i}`];
    return {
      name: c.name,
      type: c.type,
      distinct: Number(stats[`d${i}`]),
      nullRatio: rowCount === 0 ? 0 : 1 - nonNull / rowCount,
      avgWidth: width,
      sortedness: Number(order[`s${i}`]),
      ...(lo === undefined || lo === null ? {} : { range: { min: Number(lo), max: Number(stats[`hi${i}`]) } }),
    };
  });
  return { rowCount, columns: profiles, rowBytes: profiles.reduce((sum, c) => sum + c.avgWidth, 0) };
}
