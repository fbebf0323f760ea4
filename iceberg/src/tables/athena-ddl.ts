import { IcebergUsageError } from '../errors.js';
import { parseTransform } from '../spec/transforms.js';
import type { IcebergType } from '../schema/types.js';
import { TABLES, type TableDefinition } from './definitions.js';
import { DEFAULT_WAREHOUSE_BUCKET, warehouseUri } from './warehouse.js';

/** The Athena type of an Iceberg type, for `CREATE TABLE` (Athena's Iceberg DDL types). */
export function athenaType(type: IcebergType): string {
  switch (type) {
    case 'boolean':
    case 'int':
    case 'float':
    case 'double':
    case 'date':
    case 'string':
    case 'binary':
    case 'timestamp':
      return type;
    case 'long':
      return 'bigint';
  }
  if (typeof type === 'string' && type.startsWith('decimal(')) return type.replace(/\s+/g, '');
  throw new IcebergUsageError(`Athena's Iceberg DDL cannot create a column of type ${JSON.stringify(type)}`);
}

function athenaPartition(source: string, transform: string): string {
  const t = parseTransform(transform);
  switch (t.kind) {
    case 'identity':
      return source;
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
      return `${t.kind}(${source})`;
    case 'bucket':
      return `bucket(${t.n}, ${source})`;
    case 'truncate':
      return `truncate(${t.width}, ${source})`;
    case 'void':
    case 'unknown':
      throw new IcebergUsageError(`Athena cannot partition by '${transform}'`);
  }
}

/** Warehouse of the DDL files: the one the jobs write (`WAREHOUSE_BUCKET`'s default). */
export const DEFAULT_ATHENA_WAREHOUSE = warehouseUri(DEFAULT_WAREHOUSE_BUCKET);

/**
 * A name as Athena's DDL (Hive) reads it: in backticks, so reserved words such as `exchange`,
 * `date` or `timestamp` are columns, not syntax. Athena's DDL quotes with backticks, its DML
 * (SELECT) with double quotes; a backtick inside a name is doubled.
 */
export function athenaIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** `CREATE TABLE ... TBLPROPERTIES ('table_type'='ICEBERG')` for a table definition. */
export function athenaCreateTable(def: TableDefinition, warehouse: string = DEFAULT_ATHENA_WAREHOUSE): string {
  const width = Math.max(...def.columns.map((c) => athenaIdentifier(c.name).length));
  const columns = def.columns.map(
    (c) =>
      `  ${athenaIdentifier(c.name).padEnd(width)} ${athenaType(c.type)}${c.doc ? ` COMMENT '${c.doc.replace(/'/g, "''")}'` : ''}`,
  );
  return [
    `-- ${def.namespace}.${def.name}: ${def.doc}.`,
    `-- Generated from iceberg/src/tables/definitions.ts by \`npm run ddl -w @coattail/iceberg\`; edit the definition, not this file.`,
    `CREATE TABLE IF NOT EXISTS ${athenaIdentifier(def.namespace)}.${athenaIdentifier(def.name)} (`,
    columns.join(',\n'),
    ')',
    `PARTITIONED BY (${def.partitioning.map((p) => athenaPartition(athenaIdentifier(p.source), p.transform)).join(', ')})`,
    `LOCATION '${warehouse}/${encodeURIComponent(def.namespace)}/${encodeURIComponent(def.name)}'`,
    'TBLPROPERTIES (',
    "  'table_type'='ICEBERG',",
    "  'format'='parquet',",
    "  'write_compression'='zstd',",
    "  'write_target_data_file_size_bytes'='134217728'",
    ');',
    '',
  ].join('\n');
}

/** Every table's DDL, keyed by file name (`raw_trades.sql`, ...). */
export function athenaDdlFiles(warehouse?: string): Record<string, string> {
  return Object.fromEntries(Object.values(TABLES).map((def) => [`${def.name}.sql`, athenaCreateTable(def, warehouse)]));
}
