import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral } from '../data/duckdb-types.js';
import { specById } from '../metadata/table-metadata.js';
import { fieldById } from '../schema/schema.js';
import type { Schema } from '../schema/types.js';
import { deleteClauses, loadDeletes } from './delete-files.js';
import { initialDefaultSql, partitionValueSql, readType } from './read-types.js';
import { columnName, partitionKey, requireParquet, type FileScanTask, type ScanSource } from './scan-task.js';

/**
 * Values of columns a file does not contain, by field id: the source column of an identity
 * partition field is the file's partition value (writers may leave it out of the file, spec
 * "Column Projection"), otherwise the field's `initial-default`, otherwise NULL.
 */
function missingColumnValues(source: ScanSource, task: FileScanTask): Map<number, string> {
  const values = new Map<number, string>();
  for (const field of source.schema.fields) {
    const initial = initialDefaultSql(field);
    if (initial !== 'NULL') values.set(field.id, initial);
  }
  specById(source.metadata, task.specId).fields.forEach((pf, i) => {
    if (pf.transform !== 'identity') return;
    const field = fieldById(source.schema, pf['source-id']);
    // A file whose metrics count the column holds it, and its own values win; leaving the default
    // out lets files of many partitions share one read_parquet call.
    if (field && !task.file.valueCounts.has(field.id))
      values.set(field.id, partitionValueSql(field, task.file.partition[i] ?? null));
  });
  return values;
}

/** The `read_parquet` schema map: columns by field id, named by id, with per-file missing values. */
function schemaMap(schema: Schema, missing: ReadonlyMap<number, string>): string {
  const entries = schema.fields.map((f) => {
    // DuckDB needs one type for every default, so they go in as text and are cast to the column type.
    const value = missing.get(f.id);
    const fallback = value === undefined ? 'NULL::VARCHAR' : `CAST(${value} AS VARCHAR)`;
    return `${f.id}: {name: ${quoteLiteral(columnName(f))}, type: ${quoteLiteral(readType(f))}, default_value: ${fallback}}`;
  });
  return `MAP {${entries.join(', ')}}`;
}

/**
 * Creates a temp view `view` of the scanned rows, one column per schema field named by
 * {@link columnName}, with deletes applied (position deletes by file and row position, equality
 * deletes by the delete file's equality ids, both scoped by sequence number as the spec says).
 */
export async function createRowsView(connection: DuckDBConnection, source: ScanSource, view: string): Promise<void> {
  const fields = source.schema.fields;
  const cols = fields.map((f) => columnName(f)).join(', ');
  if (source.tasks.length === 0) {
    const nulls = fields.map((f) => `CAST(NULL AS ${readType(f)}) AS ${columnName(f)}`).join(', ');
    await connection.run(`CREATE OR REPLACE TEMP VIEW ${view} AS SELECT ${nulls} WHERE false`);
    return;
  }
  source.tasks.forEach(requireParquet);
  source.deletes.forEach(requireParquet);
  const local = await Promise.all(source.tasks.map((t) => source.io.localPath(t.file.filePath)));
  const withDeletes = source.deletes.length > 0;
  // Files with the same missing-column values share one read_parquet call.
  const groups = new Map<string, string[]>();
  source.tasks.forEach((task, i) => {
    const map = schemaMap(source.schema, missingColumnValues(source, task));
    groups.set(map, [...(groups.get(map) ?? []), local[i]!]);
  });
  const reads = [...groups].map(([map, paths]) => {
    const files = `[${paths.map(quoteLiteral).join(', ')}]`;
    const extra = withDeletes ? `, filename = '__local', file_row_number = true` : '';
    return `SELECT ${cols}${withDeletes ? ', __local, file_row_number' : ''} FROM read_parquet(${files}, schema = ${map}${extra})`;
  });
  let sql = reads.join(' UNION ALL ');
  if (withDeletes) {
    const loaded = await loadDeletes(connection, source);
    // Per data file: its recorded path (what position deletes name), data sequence number and partition.
    const files = source.tasks.map(
      (task, i) =>
        `(${quoteLiteral(local[i]!)}, ${quoteLiteral(task.file.filePath)}, CAST(${task.dataSequenceNumber} AS BIGINT), ${quoteLiteral(partitionKey(task))})`,
    );
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE __files AS SELECT * FROM (VALUES ${files.join(', ')}) v(__local, __path, __seq, __part)`,
    );
    const where = deleteClauses(loaded, 'd');
    sql =
      `SELECT ${cols} FROM (SELECT r.*, f.__path, f.__seq, f.__part FROM (${sql}) r JOIN __files f ON f.__local = r.__local) d` +
      (where ? ` WHERE ${where}` : '');
  }
  await connection.run(`CREATE OR REPLACE TEMP VIEW ${view} AS ${sql}`);
}
