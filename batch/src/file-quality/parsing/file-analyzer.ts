import { randomUUID } from 'node:crypto';
import type { DuckDBConnection, DuckDBInstance, Json } from '@duckdb/node-api';
import type { ColumnFacts, ColumnProfileFacts, FileFacts, KeyFacts, ProfileFacts, ProfileValue, SchemaDefinition } from '@coattail/quality';
import { columnSql, type ColumnSql } from './column-sql.js';
import { sqlIdent, type FileParser } from './parser-registry.js';

/** Limits of one analysis. */
export interface AnalyzeOptions {
  /** Rows kept for the profile's sample. @default 25 */
  sampleRows?: number;
  /** Bins / top values per distribution. @default 10 */
  distributionItems?: number;
  /** Columns given a distribution (each costs a scan). @default 50 */
  maxDistributionColumns?: number;
  /** Offending values kept per failing column. @default 5 */
  examples?: number;
}

/** What one file measured: the checks' facts and the profile's. */
export interface FileAnalysis {
  readonly facts: FileFacts;
  readonly profile: ProfileFacts;
}

/** A file the parser could not read: the checks turn it into a formatParsing failure. */
export class ParseFailure extends Error {
  constructor(
    readonly parser: FileParser,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ParseFailure';
  }
}

type Row = Record<string, Json>;
const str = (value: Json | undefined): string => (typeof value === 'string' ? value : JSON.stringify(value ?? null));
const num = (value: Json | undefined): number => (value === null || value === undefined ? 0 : Number(value));

async function rows(conn: DuckDBConnection, sql: string): Promise<Row[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJson();
}

function toProfileValue(value: Json | undefined): ProfileValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/**
 * Measures one local file with DuckDB: reads it through `parser` (into a table first for row
 * formats), then one aggregate scan for every column's counts, one for the unique keys, one
 * small scan per distribution and a LIMIT for the sample. Only aggregates come back to
 * JavaScript, so memory stays flat in the file's size. Throws {@link ParseFailure} when the
 * file cannot be read.
 */
export async function analyzeFile(instance: DuckDBInstance, path: string, parser: FileParser, definition: SchemaDefinition, options: AnalyzeOptions = {}): Promise<FileAnalysis> {
  const conn = await instance.connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  const table = `dq_${randomUUID().replaceAll('-', '')}`;
  try {
    let source: string;
    try {
      if (parser.materialize === true) {
        await conn.run(`CREATE TEMP TABLE ${table} AS SELECT * FROM ${parser.relation(path)}`);
        source = table;
      } else {
        source = `(SELECT * FROM ${parser.relation(path)})`;
      }
      const described = await rows(conn, `DESCRIBE SELECT * FROM ${source}`);
      const columns = described.map((r) => ({ name: str(r.column_name), type: str(r.column_type) }));
      return await measure(conn, source, columns, parser, definition, options);
    } catch (error) {
      if (error instanceof ParseFailure) throw error;
      throw new ParseFailure(parser, cleanDuckMessage(error), { cause: error });
    }
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    conn.closeSync();
  }
}

/** DuckDB messages carry a long hint tail about options; keep the first lines, without the path noise. */
function cleanDuckMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').filter((l) => l.trim() !== '').slice(0, 3).join(' ').slice(0, 1000);
}

async function measure(
  conn: DuckDBConnection,
  source: string,
  columns: { name: string; type: string }[],
  parser: FileParser,
  definition: SchemaDefinition,
  options: AnalyzeOptions,
): Promise<FileAnalysis> {
  const declared = new Map(definition.columns.map((c) => [c.name, c]));
  const cols = columns.map((c) => columnSql(c.name, c.type, declared.get(c.name)));
  const select: string[] = ['count(*)::DOUBLE AS n'];
  const required = cols.filter((c) => c.definition?.required === true);
  select.push(required.length === 0 ? '0::DOUBLE AS missing_required' : `count(*) FILTER (${required.map((c) => `${c.raw} IS NULL`).join(' OR ')})::DOUBLE AS missing_required`);
  cols.forEach((c, i) => {
    select.push(`count(${c.raw})::DOUBLE AS c${i}_nn`, `approx_count_distinct(${c.raw})::DOUBLE AS c${i}_d`);
    if (c.typeMismatch !== undefined) select.push(`count(*) FILTER (${c.typeMismatch})::DOUBLE AS c${i}_tm`);
    if (c.formatMismatch !== undefined) select.push(`count(*) FILTER (${c.formatMismatch})::DOUBLE AS c${i}_fm`);
    if (c.belowMin !== undefined) select.push(`count(*) FILTER (${c.belowMin})::DOUBLE AS c${i}_lo`);
    if (c.aboveMax !== undefined) select.push(`count(*) FILTER (${c.aboveMax})::DOUBLE AS c${i}_hi`);
    if (c.numeric) {
      select.push(`min(${c.typed})::DOUBLE AS c${i}_min`, `max(${c.typed})::DOUBLE AS c${i}_max`, `avg(${c.typed})::DOUBLE AS c${i}_avg`, `stddev_samp(${c.typed})::DOUBLE AS c${i}_sd`);
    } else {
      select.push(`CAST(min(${c.typed}) AS VARCHAR) AS c${i}_min`, `CAST(max(${c.typed}) AS VARCHAR) AS c${i}_max`);
    }
  });
  const [agg = {}] = await rows(conn, `SELECT ${select.join(', ')} FROM ${source}`);
  const rowCount = num(agg.n);
  const exampleLimit = options.examples ?? 5;
  const examplesOf = async (c: ColumnSql, condition: string | undefined, count: number): Promise<string[] | undefined> => {
    if (condition === undefined || count === 0) return undefined;
    const found = await rows(conn, `SELECT DISTINCT ${c.text} AS v FROM ${source} WHERE ${condition} LIMIT ${exampleLimit}`);
    return found.map((r) => str(r.v));
  };

  const facts: ColumnFacts[] = [];
  const profiles: ColumnProfileFacts[] = [];
  for (const [i, c] of cols.entries()) {
    const nonNull = num(agg[`c${i}_nn`]);
    const typeMismatches = num(agg[`c${i}_tm`]);
    const formatMismatches = num(agg[`c${i}_fm`]);
    const belowMin = num(agg[`c${i}_lo`]);
    const aboveMax = num(agg[`c${i}_hi`]);
    const bounds = [c.belowMin, c.aboveMax].filter((x) => x !== undefined).join(' OR ');
    const typeEx = await examplesOf(c, c.typeMismatch, typeMismatches);
    const formatEx = await examplesOf(c, c.formatMismatch, formatMismatches);
    const boundsEx = await examplesOf(c, bounds === '' ? undefined : bounds, belowMin + aboveMax);
    facts.push({
      name: c.name,
      physicalType: c.physicalType,
      nonNull,
      nulls: rowCount - nonNull,
      typeMismatches,
      formatMismatches,
      belowMin,
      aboveMax,
      ...(typeEx === undefined ? {} : { typeMismatchExamples: typeEx }),
      ...(formatEx === undefined ? {} : { formatMismatchExamples: formatEx }),
      ...(boundsEx === undefined ? {} : { boundsExamples: boundsEx }),
    });
    profiles.push({
      name: c.name,
      type: c.physicalType,
      nonNull,
      nulls: rowCount - nonNull,
      distinct: Math.min(num(agg[`c${i}_d`]), nonNull),
      min: toProfileValue(agg[`c${i}_min`]),
      max: toProfileValue(agg[`c${i}_max`]),
      ...(c.numeric ? { mean: agg[`c${i}_avg`] === null ? null : num(agg[`c${i}_avg`]), stddev: agg[`c${i}_sd`] === null ? null : num(agg[`c${i}_sd`]) } : {}),
    });
  }

  const keys = await measureKeys(conn, source, definition, new Set(columns.map((c) => c.name)));
  await addDistributions(conn, source, cols, profiles, options);
  const sampleRows = options.sampleRows ?? 25;
  const sample = (await conn.runAndReadAll(`SELECT * FROM ${source} LIMIT ${sampleRows}`)).getRowsJson().map((r) => r.map(toProfileValue));
  return {
    facts: { format: parser.label, rowCount, columns: facts, rowsMissingRequired: num(agg.missing_required), keys },
    profile: { rowCount, columns: profiles, sample: { columns: columns.map((c) => c.name), rows: sample } },
  };
}

/** Exact distinct counts of every declared key whose columns all exist: one scan. */
async function measureKeys(conn: DuckDBConnection, source: string, definition: SchemaDefinition, present: Set<string>): Promise<KeyFacts[]> {
  const keys = definition.keys.filter((k) => k.every((c) => present.has(c)));
  if (keys.length === 0) return [];
  const select = keys.flatMap((key, i) => {
    const cols = key.map(sqlIdent);
    const all = cols.map((c) => `${c} IS NOT NULL`).join(' AND ');
    const value = cols.length === 1 ? (cols[0] as string) : `(${cols.join(', ')})`;
    return [`count(*) FILTER (${all})::DOUBLE AS k${i}_n`, `count(DISTINCT ${value}) FILTER (${all})::DOUBLE AS k${i}_d`];
  });
  const [agg = {}] = await rows(conn, `SELECT ${select.join(', ')} FROM ${source}`);
  return keys.map((key, i) => ({ columns: key, rowsWithKey: num(agg[`k${i}_n`]), distinctKeys: num(agg[`k${i}_d`]) }));
}

/** Histograms for numeric columns, top values for the others (skipped for near-unique ones). */
async function addDistributions(conn: DuckDBConnection, source: string, cols: ColumnSql[], profiles: ColumnProfileFacts[], options: AnalyzeOptions): Promise<void> {
  const items = options.distributionItems ?? 10;
  const limit = options.maxDistributionColumns ?? 50;
  for (const [i, c] of cols.slice(0, limit).entries()) {
    const p = profiles[i] as ColumnProfileFacts;
    if (p.nonNull === 0) continue;
    if (c.numeric && typeof p.min === 'number' && typeof p.max === 'number') {
      const lo = p.min;
      const width = (p.max - lo) / items;
      if (width <= 0 || !Number.isFinite(width)) {
        profiles[i] = { ...p, histogram: [{ lower: lo, upper: lo, count: p.nonNull }] };
        continue;
      }
      const bins = await rows(conn, `SELECT least(floor((${c.typed} - ${lo}) / ${width}), ${items - 1})::INTEGER AS b, count(*)::DOUBLE AS n FROM ${source} WHERE ${c.typed} IS NOT NULL GROUP BY 1 ORDER BY 1`);
      const counts = new Map(bins.map((b) => [num(b.b), num(b.n)]));
      profiles[i] = { ...p, histogram: Array.from({ length: items }, (_, b) => ({ lower: lo + b * width, upper: lo + (b + 1) * width, count: counts.get(b) ?? 0 })) };
    } else if (p.distinct <= Math.max(items, 0.5 * p.nonNull)) {
      const top = await rows(conn, `SELECT ${c.text} AS v, count(*)::DOUBLE AS n FROM ${source} WHERE ${c.raw} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${items}`);
      profiles[i] = { ...p, topValues: top.map((t) => ({ value: toProfileValue(t.v), count: num(t.n) })) };
    }
  }
}
