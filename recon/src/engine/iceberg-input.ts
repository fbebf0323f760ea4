import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalCheckpointStore, type CheckpointStore } from '@coattail/runtime';
import type { InputConfig } from '../config/recon-config.js';
import { ReconError, describeError } from '../errors.js';
import { quoteLiteral } from '../sql/quote.js';

/** The object store @coattail/iceberg reads table files through (structurally the connectors' `ObjectStore`). */
export type WarehouseStore = CheckpointStore & { readonly location: string };

/** Options of {@link icebergInputResolver}. */
export interface IcebergInputOptions {
  /**
   * Opens the store of a warehouse that is not a local folder (e.g. `s3://bucket/prefix` with the
   * connectors' `S3ObjectStore`); return undefined to refuse it. @default local folders only
   */
  openStore?: (warehouse: string) => WarehouseStore | undefined;
  /**
   * Where files of a remote store are cached, and where each snapshot read is written once as
   * Parquet for the comparison (removed when the process exits). @default the OS temp folder
   */
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
 * (`catalog/` pointers, table files in `objects/` or `input.warehouse`) and reads the requested
 * snapshot (`snapshotId`, `asOf`, or the current one) through @coattail/iceberg's scan, so recon
 * compares what the table holds, also when another engine wrote it: columns bound by field id
 * (a renamed column reads under its current name), identity-partition values a data file leaves
 * out, `initial-default`s of added columns, and rows removed by position or equality deletes.
 * Registered by default; replace it with `registerInputResolver`.
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
  const file = join(await snapshotFolder(options.cacheDir), `${randomUUID()}.parquet`);
  try {
    const scan = (await catalog.loadTable(table)).scan(scanOptions(input));
    // The Iceberg reader owns what a snapshot holds (columns by field id, identity-partition
    // values a file leaves out, initial defaults, position and equality deletes); recon compares
    // exactly its rows, written once with their Iceberg types. An empty snapshot writes an empty
    // file with the table's columns, so the engine reports an empty side as for an empty file.
    await scan.sql(`COPY (SELECT * FROM t) TO ${quoteLiteral(file)} (FORMAT parquet)`);
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
  return `read_parquet(${quoteLiteral(file)})`;
}

const snapshotDirs = new Map<string, Promise<string>>();

/** One folder per process (and cache folder) for the snapshots read, removed when the process exits. */
function snapshotFolder(cacheDir: string | undefined): Promise<string> {
  const parent = cacheDir ?? tmpdir();
  let dir = snapshotDirs.get(parent);
  if (dir === undefined) {
    dir = mkdtemp(join(parent, 'recon-iceberg-')).then((created) => {
      process.once('exit', () => rmSync(created, { recursive: true, force: true }));
      return created;
    });
    snapshotDirs.set(parent, dir);
  }
  return dir;
}

function scanOptions(input: InputConfig): { snapshotId?: bigint; asOfTimestamp?: number } {
  if (input.snapshotId !== undefined) return { snapshotId: BigInt(input.snapshotId) };
  if (input.asOf !== undefined) return { asOfTimestamp: Date.parse(input.asOf) };
  return {};
}
