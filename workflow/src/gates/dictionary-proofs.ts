import { open, type FileHandle } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import type { GateRule } from './gate-config.js';
import { chunkDictionary, plainIntegers, plainStrings, type PlainDecoder } from './parquet-pages.js';
import { quoteLiteral } from './sql-text.js';

/** The Parquet physical types whose PLAIN dictionaries are read here. */
type DictionaryPhysical = 'BYTE_ARRAY' | 'INT32' | 'INT64';

/**
 * An `allowed_values` rule on a column every file holds as one Parquet physical type: text the
 * scan compares as text, or signed integers it compares as numbers.
 */
export interface DictionaryCandidate {
  readonly id: string;
  readonly column: string;
  readonly physical: DictionaryPhysical;
  /** The allowed values as the scan compares them: text, or exact integers. */
  readonly allowed: ReadonlySet<string | bigint>;
}

const decoders: Record<DictionaryPhysical, PlainDecoder<string | bigint>> = {
  BYTE_ARRAY: plainStrings,
  INT32: (bytes, count) => plainIntegers(bytes, count, 4),
  INT64: (bytes, count) => plainIntegers(bytes, count, 8),
};

/** How every file stores a column: its Parquet physical types and whether each annotates it as a plain signed integer. */
export interface StoredColumn {
  readonly physical: ReadonlySet<string>;
  /** No converted or logical type, or only signed `INT(8|16|32|64)` ones, in every file. */
  readonly signedInteger: boolean;
}

/** The values DuckDB's signed integer types hold, as the scan reads an INT32/INT64 column. */
const INTEGER_RANGE: Record<string, bigint> = {
  TINYINT: 2n ** 7n,
  SMALLINT: 2n ** 15n,
  INTEGER: 2n ** 31n,
  BIGINT: 2n ** 63n,
};

/** Whether a converted and a logical type, as `parquet_schema` reports them, leave an INT32/INT64 a plain signed integer. */
export function signedIntegerAnnotation(converted: string, logical: string): boolean {
  return (
    ['', 'INT_8', 'INT_16', 'INT_32', 'INT_64'].includes(converted) &&
    (logical === '' || (logical.startsWith('IntType(') && logical.endsWith(', isSigned=1)')))
  );
}

/**
 * The dictionary proof an `allowed_values` rule can have on a column of DuckDB type `type`, or
 * undefined when its dictionaries could not compare as the scan does. Text compares as the scan
 * compares it (`CAST(… AS VARCHAR) IN (…)`): the dictionary's UTF-8 bytes. Signed integers stored
 * as INT32/INT64, under a rule of numbers only, compare as numbers (`col IN (…)`): exactly, as big
 * integers, so a value beyond 2^53 is never taken for its neighbour; an allowed number that is not
 * an integer (or prints with an exponent, beyond every 64-bit integer), or lies outside the column
 * type's range, is equal to no entry. Decimals, dates, times, timestamps, unsigned integers, floats
 * and rules mixing text and numbers are scanned.
 */
export function dictionaryCandidate(
  id: string,
  rule: Extract<GateRule, { type: 'allowed_values' }>,
  type: string,
  stored: StoredColumn,
): DictionaryCandidate | undefined {
  const [physical, ...others] = stored.physical;
  if (others.length > 0) return undefined;
  if (type === 'VARCHAR' && physical === 'BYTE_ARRAY')
    return { id, column: rule.column, physical, allowed: new Set(rule.values.map(String)) };
  const range = INTEGER_RANGE[type];
  if (range === undefined || !stored.signedInteger || (physical !== 'INT32' && physical !== 'INT64')) return undefined;
  const allowed = new Set<bigint>();
  for (const v of rule.values) {
    if (typeof v !== 'number') return undefined; // the scan compares text
    // The scan writes the number as JavaScript prints it (`String(v)`), and DuckDB reads that
    // literal: 2 ** 63 prints as 9223372036854776000, so that, not 2 ** 63, is what a row equals.
    const literal = String(v);
    if (/^-?\d+$/.test(literal) && BigInt(literal) >= -range && BigInt(literal) < range) allowed.add(BigInt(literal));
  }
  return { id, column: rule.column, physical, allowed };
}

const bigint = z.union([z.string(), z.number()]).transform(Number);
const chunkRows = z.array(
  z.object({
    file_name: z.string(),
    path_in_schema: z.string(),
    compression: z.string(),
    dictionary_page_offset: bigint.nullable(),
    data_page_offset: bigint,
    total_compressed_size: bigint,
    groups: bigint,
  }),
);

/**
 * The local path of a file DuckDB reads, or undefined for one it reads over a network (`s3://…`,
 * `https://…`): those pages are not read here.
 */
export function localPath(fileName: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(fileName) ? undefined : fileName;
}

/**
 * Proves `allowed_values` rules on text and integer columns ({@link dictionaryCandidate}) from the
 * Parquet dictionary pages, without reading a row: where every data page of every column chunk of
 * the column is dictionary-encoded, each row's value is an entry of its chunk's dictionary (or
 * null, which passes), so a dictionary of allowed entries only proves the rule. A dictionary
 * holding an entry not allowed proves nothing (that entry may be used by no row) and the scan
 * counts the failures exactly, as it does for a chunk with a PLAIN data page, a file without the
 * column, a codec not read here, a remote file or pages that cannot be read. Returns the ids of the
 * proven rules.
 */
export async function proveFromDictionaries(
  connection: DuckDBConnection,
  files: string,
  candidates: readonly DictionaryCandidate[],
): Promise<string[]> {
  if (candidates.length === 0) return [];
  const columns = [...new Set(candidates.map((c) => c.column))];
  const chunks = chunkRows.parse(
    (
      await connection.runAndReadAll(
        `WITH m AS (SELECT * FROM parquet_metadata(${files}) WHERE row_group_num_rows > 0) ` +
          `SELECT file_name, path_in_schema, compression, dictionary_page_offset, data_page_offset, total_compressed_size, ` +
          `(SELECT count(DISTINCT (file_name, row_group_id)) FROM m) AS groups ` +
          `FROM m WHERE path_in_schema IN (${columns.map(quoteLiteral).join(', ')})`,
      )
    ).getRowObjectsJson(),
  );
  const handles = new Map<string, FileHandle>();
  try {
    // Every candidate of a column holds it as the same physical type, the one all files store.
    const physical = new Map(candidates.map((c) => [c.column, c.physical]));
    const entries = new Map<string, Set<string | bigint> | undefined>();
    for (const column of columns)
      entries.set(column, await columnEntries(chunks, column, decoders[physical.get(column)!], handles));
    return candidates
      .filter((c) => {
        const seen = entries.get(c.column);
        return seen !== undefined && [...seen].every((value) => c.allowed.has(value));
      })
      .map((c) => c.id);
  } catch {
    return []; // pages this reader does not understand: the scan reads the rows
  } finally {
    for (const handle of handles.values()) await handle.close();
  }
}

/** The dictionary entries of every chunk of a column, or undefined when some chunk has no proving dictionary. */
async function columnEntries(
  chunks: z.output<typeof chunkRows>,
  column: string,
  decode: PlainDecoder<string | bigint>,
  handles: Map<string, FileHandle>,
): Promise<Set<string | bigint> | undefined> {
  const mine = chunks.filter((c) => c.path_in_schema === column);
  // Every row group of every file must hold the column, as the chunk the scan would read.
  if (mine.length === 0 || mine.length !== mine[0]!.groups) return undefined;
  const seen = new Set<string | bigint>();
  for (const c of mine) {
    const path = localPath(c.file_name);
    if (path === undefined) return undefined;
    let file = handles.get(path);
    if (file === undefined) handles.set(path, (file = await open(path, 'r')));
    const dictionaryAt = c.dictionary_page_offset;
    // As readers do: a dictionary offset is trusted only where it lies before the data pages.
    const start =
      dictionaryAt !== null && dictionaryAt > 0 && dictionaryAt < c.data_page_offset
        ? dictionaryAt
        : c.data_page_offset;
    const values = await chunkDictionary(
      file,
      { start, length: c.total_compressed_size, codec: c.compression },
      decode,
    );
    if (values === undefined) return undefined;
    for (const v of values) seen.add(v);
  }
  return seen;
}
