import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FileScanTask, IcebergType, Schema } from '@coattail/iceberg';
import { LocalCheckpointStore, type CheckpointStore } from '@coattail/runtime';
import type { InputConfig } from '../config/recon-config.js';
import { ReconError, describeError } from '../errors.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';

/** The object store @coattail/iceberg reads table files through (structurally the connectors' `ObjectStore`). */
export type WarehouseStore = CheckpointStore & { readonly location: string };

/** Options of {@link icebergInputResolver}. */
export interface IcebergInputOptions {
  /**
   * Opens the store of a warehouse that is not a local folder (e.g. `s3://bucket/prefix` with the
   * connectors' `S3ObjectStore`); return undefined to refuse it. @default local folders only
   */
  openStore?: (warehouse: string) => WarehouseStore | undefined;
  /** Where files of a remote store are cached for DuckDB. @default the OS temp folder */
  cacheDir?: string;
  /** How to reach Glue for `catalog: glue` inputs. @default real AWS Glue, the caller's account */
  glue?: { GLUE_ENDPOINT?: string; GLUE_CATALOG_ID?: string };
}

/** A local folder as an object store: the connectors' `LocalObjectStore`, without depending on connectors. */
class FolderStore extends LocalCheckpointStore {
  get location(): string {
    return pathToFileURL(this.root).href;
  }
}

/**
 * Resolves `format: iceberg` inputs: loads the table from the catalog at `input.path`
 * (`catalog/` pointers, table files in `objects/` or `input.warehouse`), plans the data files of
 * the requested snapshot (`snapshotId`, `asOf`, or the current one) and reads them with
 * `read_parquet`, columns resolved by Iceberg field id so a renamed column reads under its name
 * in the scanned schema. Registered by default; replace it with `registerInputResolver`.
 *
 * @example
 * registerInputResolver('iceberg', icebergInputResolver({ openStore: (w) => (w.startsWith('s3://') ? s3Store(w) : undefined) }));
 */
export function icebergInputResolver(options: IcebergInputOptions = {}): {
  relationSql(input: InputConfig): Promise<string>;
} {
  return { relationSql: (input) => icebergRelationSql(input, options) };
}

async function icebergRelationSql(input: InputConfig, options: IcebergInputOptions): Promise<string> {
  const table = input.table;
  if (table === undefined)
    throw new ReconError('CONFIG_INVALID', `Iceberg input '${input.path}' needs table: <namespace.name>`, {
      domain: 'user',
    });
  const kind = input.catalog ?? 'local';
  const where = `Iceberg table '${table}' in ${kind === 'glue' ? 'Glue, warehouse' : 'catalog'} '${input.path}'`;
  const warehouse = kind === 'glue' ? input.path : (input.warehouse ?? join(input.path, 'objects'));
  const store = /^[a-z][a-z0-9+.-]*:\/\//i.test(warehouse)
    ? options.openStore?.(warehouse)
    : new FolderStore(warehouse);
  if (store === undefined) {
    throw new ReconError(
      'INPUT_UNSUPPORTED',
      `${where}: warehouse '${warehouse}' is not a local folder; register icebergInputResolver({ openStore }) to read it`,
      {
        domain: 'user',
      },
    );
  }
  // Loaded on demand: recon runs over files never pay for the Iceberg package (and its AWS SDK).
  const { IcebergError, NoSuchTableError, openCatalog } = await import('@coattail/iceberg');
  const catalog = openCatalog(
    { ICEBERG_CATALOG: kind, ...options.glue },
    {
      store,
      localDir: join(input.path, 'catalog'),
      ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    },
  );
  let schema: Schema;
  let tasks: FileScanTask[];
  let paths: string[];
  try {
    const scan = (await catalog.loadTable(table)).scan(scanOptions(input));
    tasks = await scan.planFiles();
    schema = scan.schema;
    paths = await Promise.all(tasks.map((t) => catalog.io.localPath(t.file.filePath)));
  } catch (error) {
    if (error instanceof NoSuchTableError) {
      throw new ReconError('INPUT_UNREADABLE', `${where} does not exist (check table and path in the config)`, {
        domain: 'user',
        cause: error,
      });
    }
    const user = error instanceof IcebergError && error.domain === 'user';
    throw new ReconError('INPUT_UNREADABLE', `${where} cannot be read: ${describeError(error)}`, {
      domain: user ? 'user' : 'external',
      cause: error,
    });
  }
  const columns = schema.fields.map((f) => ({ id: f.id, name: f.name, type: duckdbType(f.type) }));
  // No snapshot or no live file: an empty relation with the table's columns, so the engine
  // reports an empty side exactly as for an empty CSV or Parquet file.
  if (paths.length === 0)
    return `(SELECT ${columns.map((c) => `CAST(NULL AS ${c.type ?? 'VARCHAR'}) AS ${quoteIdent(c.name)}`).join(', ')} WHERE false)`;
  const files = `[${paths.map(quoteLiteral).join(', ')}]`;
  if (columns.some((c) => c.type === undefined)) return `read_parquet(${files}, union_by_name = true)`;
  // By field id (the Iceberg way): the Parquet column names of older files may predate a rename.
  const mapping = columns
    .map((c) => `${c.id}: {name: ${quoteLiteral(c.name)}, type: ${quoteLiteral(c.type ?? '')}, default_value: NULL}`)
    .join(', ');
  return `read_parquet(${files}, schema = MAP {${mapping}})`;
}

function scanOptions(input: InputConfig): { snapshotId?: bigint; asOfTimestamp?: number } {
  if (input.snapshotId !== undefined) return { snapshotId: BigInt(input.snapshotId) };
  if (input.asOf !== undefined) return { asOfTimestamp: Date.parse(input.asOf) };
  return {};
}

const PRIMITIVES: Record<string, string> = {
  boolean: 'BOOLEAN',
  int: 'INTEGER',
  long: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  date: 'DATE',
  time: 'TIME',
  timestamp: 'TIMESTAMP',
  timestamptz: 'TIMESTAMPTZ',
  string: 'VARCHAR',
  uuid: 'UUID',
  binary: 'BLOB',
};

/** The DuckDB type of a primitive Iceberg type; undefined for nested types (read by name then). */
function duckdbType(type: IcebergType): string | undefined {
  if (typeof type !== 'string') return undefined;
  const decimal = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(type);
  if (decimal) return `DECIMAL(${decimal[1]},${decimal[2]})`;
  if (/^fixed\[\s*\d+\s*\]$/.test(type)) return 'BLOB';
  return Object.hasOwn(PRIMITIVES, type) ? PRIMITIVES[type] : undefined;
}
