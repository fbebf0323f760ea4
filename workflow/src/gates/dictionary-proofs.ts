import { open, type FileHandle } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { chunkDictionary } from './parquet-pages.js';
import { quoteLiteral } from './sql-text.js';

/** An `allowed_values` rule on a text column that every file holds as a Parquet string column. */
export interface DictionaryCandidate {
  readonly id: string;
  readonly column: string;
  /** The allowed values as the scan compares them: text. */
  readonly allowed: ReadonlySet<string>;
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
 * Proves `allowed_values` rules on text columns from the Parquet dictionary pages, without reading
 * a row: where every data page of every column chunk of the column is dictionary-encoded, each
 * row's value is an entry of its chunk's dictionary (or null, which passes), so a dictionary of
 * allowed entries only proves the rule. A dictionary holding an entry not allowed proves nothing
 * (that entry may be used by no row) and the scan counts the failures exactly, as it does for a
 * chunk with a PLAIN data page, a file without the column, a codec not read here, a remote file or
 * pages that cannot be read. Returns the ids of the proven rules.
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
    const entries = new Map<string, Set<string> | undefined>();
    for (const column of columns) entries.set(column, await columnEntries(chunks, column, handles));
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
  handles: Map<string, FileHandle>,
): Promise<Set<string> | undefined> {
  const mine = chunks.filter((c) => c.path_in_schema === column);
  // Every row group of every file must hold the column, as the chunk the scan would read.
  if (mine.length === 0 || mine.length !== mine[0]!.groups) return undefined;
  const seen = new Set<string>();
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
    const values = await chunkDictionary(file, {
      start,
      length: c.total_compressed_size,
      codec: c.compression,
    });
    if (values === undefined) return undefined;
    for (const v of values) seen.add(v);
  }
  return seen;
}
