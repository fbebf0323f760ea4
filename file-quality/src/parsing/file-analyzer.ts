import { randomUUID } from 'node:crypto';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type {
  ColumnFacts,
  ColumnProfileFacts,
  FileFacts,
  KeyFacts,
  ProfileFacts,
  SchemaDefinition,
} from '@coattail/quality';
import { FileQualityError } from '../errors.js';
import { columnSql } from './column-sql.js';
import { addDistributions } from './distributions.js';
import { num, rows, str, toProfileValue } from './duck-values.js';
import { sqlIdent, type FileParser } from './parser-registry.js';

/** Limits of one analysis. */
export interface AnalyzeOptions {
  /** Rows kept for the profile's sample. @default 25 */
  sampleRows?: number;
  /** Bins / top values per distribution. @default 10 */
  distributionItems?: number;
  /** Columns given a distribution (each costs a scan). @default 50 */
  maxDistributionColumns?: number;
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

const ENGINE_FAULT = /^(Out of Memory Error|INTERNAL Error|FATAL Error|Interrupt)/;

/**
 * Measures one local file with DuckDB: reads it through `parser` (into a table first for row
 * formats), then one aggregate scan for every column's counts and example offenders, one for the unique keys, one
 * small scan per distribution and a LIMIT for the sample. Only aggregates come back to
 * JavaScript, so memory stays flat in the file's size. Throws {@link ParseFailure} when the
 * file cannot be read.
 */
export async function analyzeFile(
  instance: DuckDBInstance,
  path: string,
  parser: FileParser,
  definition: SchemaDefinition,
  options: AnalyzeOptions = {},
): Promise<FileAnalysis> {
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
      const message = cleanDuckMessage(error);
      // Resource exhaustion and engine faults say nothing about the file: retry, don't score it.
      if (ENGINE_FAULT.test(message))
        throw new FileQualityError('ANALYSIS_FAILED', `DuckDB could not analyze ${path}: ${message}`, {
          domain: 'internal',
          retryable: true,
          cause: error,
        });
      throw new ParseFailure(parser, message, { cause: error });
    }
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    conn.closeSync();
  }
}

/** DuckDB messages carry a long hint tail about options; keep the first lines, without the path noise. */
function cleanDuckMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, 3)
    .join(' ')
    .slice(0, 1000);
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
  select.push(
    required.length === 0
      ? '0::DOUBLE AS missing_required'
      : `count(*) FILTER (${required.map((c) => `${c.raw} IS NULL`).join(' OR ')})::DOUBLE AS missing_required`,
  );
  cols.forEach((c, i) => {
    select.push(`count(${c.raw})::DOUBLE AS c${i}_nn`, `approx_count_distinct(${c.raw})::DOUBLE AS c${i}_d`);
    // Counts, and the smallest and largest offending text as examples, in the same scan.
    const failing = (condition: string | undefined, alias: string): void => {
      if (condition === undefined || condition === 'false') return;
      select.push(
        `count(*) FILTER (${condition})::DOUBLE AS c${i}_${alias}`,
        `min(${c.text}) FILTER (${condition}) AS c${i}_${alias}_a`,
        `max(${c.text}) FILTER (${condition}) AS c${i}_${alias}_b`,
      );
    };
    failing(c.typeMismatch, 'tm');
    failing(c.formatMismatch, 'fm');
    failing(c.belowMin, 'lo');
    failing(c.aboveMax, 'hi');
    if (c.numeric) {
      select.push(
        `min(${c.typed})::DOUBLE AS c${i}_min`,
        `max(${c.typed})::DOUBLE AS c${i}_max`,
        `avg(${c.typed})::DOUBLE AS c${i}_avg`,
        `stddev_samp(${c.typed})::DOUBLE AS c${i}_sd`,
      );
    } else {
      select.push(`CAST(min(${c.typed}) AS VARCHAR) AS c${i}_min`, `CAST(max(${c.typed}) AS VARCHAR) AS c${i}_max`);
    }
  });
  const [agg = {}] = await rows(conn, `SELECT ${select.join(', ')} FROM ${source}`);
  const rowCount = num(agg.n);
  const examplesOf = (i: number, ...aliases: string[]): string[] | undefined => {
    const found = new Set<string>();
    for (const alias of aliases)
      for (const end of ['a', 'b']) {
        const value = agg[`c${i}_${alias}_${end}`];
        if (value !== null && value !== undefined) found.add(str(value));
      }
    return found.size === 0 ? undefined : [...found];
  };

  const facts: ColumnFacts[] = [];
  const profiles: ColumnProfileFacts[] = [];
  for (const [i, c] of cols.entries()) {
    const nonNull = num(agg[`c${i}_nn`]);
    const typeMismatches = num(agg[`c${i}_tm`]);
    const formatMismatches = num(agg[`c${i}_fm`]);
    const belowMin = num(agg[`c${i}_lo`]);
    const aboveMax = num(agg[`c${i}_hi`]);
    const typeEx = examplesOf(i, 'tm');
    const formatEx = examplesOf(i, 'fm');
    const boundsEx = examplesOf(i, 'lo', 'hi');
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
      ...(c.numeric
        ? {
            mean: agg[`c${i}_avg`] === null ? null : num(agg[`c${i}_avg`]),
            stddev: agg[`c${i}_sd`] === null ? null : num(agg[`c${i}_sd`]),
          }
        : {}),
    });
  }

  const keys = await measureKeys(conn, source, definition, new Set(columns.map((c) => c.name)));
  await addDistributions(conn, source, cols, profiles, options);
  const sampleRows = options.sampleRows ?? 25;
  const sample = (await conn.runAndReadAll(`SELECT * FROM ${source} LIMIT ${sampleRows}`))
    .getRowsJson()
    .map((r) => r.map(toProfileValue));
  return {
    facts: { format: parser.label, rowCount, columns: facts, rowsMissingRequired: num(agg.missing_required), keys },
    profile: { rowCount, columns: profiles, sample: { columns: columns.map((c) => c.name), rows: sample } },
  };
}

/**
 * Exact distinct counts of every declared key whose columns all exist: one GROUP BY per key,
 * because DuckDB's grouped hash aggregate spills to disk past the memory limit (an ungrouped
 * `count(DISTINCT …)` does not).
 */
async function measureKeys(
  conn: DuckDBConnection,
  source: string,
  definition: SchemaDefinition,
  present: Set<string>,
): Promise<KeyFacts[]> {
  const keys = definition.keys.filter((k) => k.every((c) => present.has(c)));
  const out: KeyFacts[] = [];
  for (const key of keys) {
    const cols = key.map(sqlIdent);
    const [agg = {}] = await rows(
      conn,
      `SELECT count(*)::DOUBLE AS d, coalesce(sum(n), 0)::DOUBLE AS n FROM (SELECT count(*) AS n FROM ${source} WHERE ${cols.map((c) => `${c} IS NOT NULL`).join(' AND ')} GROUP BY ${cols.join(', ')})`,
    );
    out.push({ columns: key, rowsWithKey: num(agg.n), distinctKeys: num(agg.d) });
  }
  return out;
}
