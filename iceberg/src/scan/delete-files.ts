import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral } from '../data/duckdb-types.js';
import { UnsupportedFeatureError } from '../errors.js';
import { specById } from '../metadata/table-metadata.js';
import { fieldById } from '../schema/schema.js';
import type { NestedField } from '../schema/types.js';
import { readType } from './read-types.js';
import { columnName, partitionKey, type DeleteFileTask, type ScanSource } from './scan-task.js';

/** Reserved field ids of position delete files (spec: Position Delete Files). */
const FILE_PATH_ID = 2147483546;
const POS_ID = 2147483545;

/** Delete rows loaded into temp tables of the scan's connection. */
export interface LoadedDeletes {
  /** `__pos(file_path, pos, seq)` exists. */
  positions: boolean;
  /** One temp table per set of equality field ids: `(seq, part, __f<id>...)`. */
  equality: { table: string; fields: NestedField[] }[];
}

function equalityFields(source: ScanSource, task: DeleteFileTask): NestedField[] {
  const ids = task.file.equalityIds ?? [];
  if (ids.length === 0)
    throw new UnsupportedFeatureError(
      'equality delete files without equality_ids',
      `'${task.file.filePath}' does not say which columns it matches on`,
    );
  return ids.map((id) => {
    const field = fieldById(source.schema, id);
    if (!field)
      throw new UnsupportedFeatureError(
        'equality deletes on columns outside the read schema',
        `'${task.file.filePath}' matches on field id ${id}, which schema ${source.schema['schema-id']} has no top-level column for`,
      );
    return field;
  });
}

/**
 * Loads the snapshot's delete files into temp tables. Position delete rows keep the delete file's
 * data sequence number; equality delete rows keep it and the partition they apply to (NULL = every
 * partition, for deletes written with an unpartitioned spec).
 */
export async function loadDeletes(connection: DuckDBConnection, source: ScanSource): Promise<LoadedDeletes> {
  const positions: string[] = [];
  const equality = new Map<string, { fields: NestedField[]; selects: string[] }>();
  for (const task of source.deletes) {
    const path = quoteLiteral(await source.io.localPath(task.file.filePath));
    const seq = `CAST(${task.dataSequenceNumber} AS BIGINT)`;
    if (task.file.content === 1) {
      positions.push(
        `SELECT file_path, pos, ${seq} AS seq, ${quoteLiteral(task.file.filePath)} AS delete_file FROM read_parquet([${path}], schema = MAP {` +
          `${FILE_PATH_ID}: {name: 'file_path', type: 'VARCHAR', default_value: NULL::VARCHAR}, ` +
          `${POS_ID}: {name: 'pos', type: 'BIGINT', default_value: NULL::VARCHAR}})`,
      );
      continue;
    }
    const fields = equalityFields(source, task);
    const key = fields.map((f) => f.id).join(',');
    const map = fields
      .map(
        (f) => `${f.id}: {name: '${columnName(f)}', type: ${quoteLiteral(readType(f))}, default_value: NULL::VARCHAR}`,
      )
      .join(', ');
    const global = specById(source.metadata, task.specId).fields.length === 0;
    const part = global ? 'CAST(NULL AS VARCHAR)' : quoteLiteral(partitionKey(task));
    const group = equality.get(key) ?? { fields, selects: [] };
    group.selects.push(
      `SELECT ${seq} AS seq, ${part} AS part, ${fields.map((f) => columnName(f)).join(', ')} FROM read_parquet([${path}], schema = MAP {${map}})`,
    );
    equality.set(key, group);
  }
  if (positions.length > 0) {
    await connection.run(`CREATE OR REPLACE TEMP TABLE __pos AS ${positions.join(' UNION ALL ')}`);
    // Without the reserved field ids the columns read NULL and nothing would be deleted: refuse instead.
    const bad = await connection.runAndReadAll(
      `SELECT delete_file FROM __pos WHERE file_path IS NULL OR pos IS NULL LIMIT 1`,
    );
    const file = bad.getRowObjects()[0]?.delete_file;
    if (file !== undefined)
      throw new UnsupportedFeatureError(
        'position delete files without field ids',
        `'${String(file)}' has rows without file_path (id ${FILE_PATH_ID}) or pos (id ${POS_ID})`,
      );
  }
  const tables: LoadedDeletes['equality'] = [];
  for (const group of equality.values()) {
    const table = `__eq${tables.length}`;
    await connection.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${group.selects.join(' UNION ALL ')}`);
    tables.push({ table, fields: group.fields });
  }
  return { positions: positions.length > 0, equality: tables };
}

/**
 * The WHERE clause that drops deleted rows of relation `d` (`__path`, `__seq`, `__part`,
 * `file_row_number` and the `__f<id>` columns). Spec scoping: a position delete applies to data
 * with a data sequence number ≤ its own, an equality delete to data with a strictly lower one;
 * NULL equality values match NULL.
 */
export function deleteClauses(loaded: LoadedDeletes, d: string): string {
  const clauses: string[] = [];
  if (loaded.positions)
    clauses.push(
      `NOT EXISTS (SELECT 1 FROM __pos p WHERE p.file_path = ${d}.__path AND p.pos = ${d}.file_row_number AND p.seq >= ${d}.__seq)`,
    );
  for (const { table, fields } of loaded.equality) {
    const match = fields.map((f) => `e.${columnName(f)} IS NOT DISTINCT FROM ${d}.${columnName(f)}`).join(' AND ');
    clauses.push(
      `NOT EXISTS (SELECT 1 FROM ${table} e WHERE e.seq > ${d}.__seq AND (e.part IS NULL OR e.part = ${d}.__part) AND ${match})`,
    );
  }
  return clauses.join(' AND ');
}
