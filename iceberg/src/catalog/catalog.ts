import type { ObjectStore } from '@coattail/connectors';
import { silentLogger, type Logger } from '@coattail/runtime';
import { NoSuchTableError, TableAlreadyExistsError } from '../errors.js';
import { FileIO, type PathMapping } from '../io/file-io.js';
import { newTableMetadata, nextMetadataLocation } from '../metadata/metadata-builder.js';
import { parseTableMetadata, serializeTableMetadata, type SortOrder } from '../metadata/table-metadata.js';
import type { Schema } from '../schema/types.js';
import type { PartitionSpec } from '../spec/partition-spec.js';
import { Table } from '../table/table.js';
import { TableOperations } from '../table/table-operations.js';
import { formatIdentifier, parseIdentifier, type MetadataPointerStore, type TableIdentifier } from './pointer-store.js';

/** Options of {@link IcebergCatalog}. */
export interface IcebergCatalogOptions {
  /** Where pointers to current metadata live (local folder, Glue). */
  pointers: MetadataPointerStore;
  /** Where table files live. */
  store: ObjectStore;
  /** Key prefix of table locations inside the store. @default 'warehouse' */
  warehouse?: string;
  /** Local cache for data files of remote stores. @default OS temp folder */
  cacheDir?: string;
  /**
   * Opens tables whose metadata names another root (copied between buckets): see
   * `FileIOOptions.pathMap`. @default []
   */
  pathMap?: readonly PathMapping[];
  logger?: Logger;
}

/** Options of {@link IcebergCatalog.createTable}. */
export interface CreateTableOptions {
  schema: Schema;
  /** @default unpartitioned */
  spec?: PartitionSpec;
  sortOrder?: SortOrder;
  properties?: Record<string, string>;
  /** Table location. @default `<store>/<warehouse>/<namespace>/<name>` */
  location?: string;
}

/**
 * A catalog of Iceberg tables: metadata pointers in a {@link MetadataPointerStore}, files in an
 * {@link ObjectStore}.
 *
 * @example
 * const catalog = new IcebergCatalog({
 *   pointers: new LocalPointerStore('.coattail/catalog'),
 *   store: new LocalObjectStore('.coattail/objects'),
 * });
 * const table = await catalog.createTable('market.raw_trades', { schema, spec });
 */
export class IcebergCatalog {
  readonly io: FileIO;
  private readonly logger: Logger;

  constructor(private readonly options: IcebergCatalogOptions) {
    this.io = new FileIO(options.store, {
      ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
      ...(options.pathMap === undefined ? {} : { pathMap: options.pathMap }),
    });
    this.logger = (options.logger ?? silentLogger).child({ component: 'iceberg-catalog' });
  }

  private defaultLocation(id: TableIdentifier): string {
    return this.io.uri(
      `${this.options.warehouse ?? 'warehouse'}/${encodeURIComponent(id.namespace)}/${encodeURIComponent(id.name)}`,
    );
  }

  /** Creates an empty table and registers it; throws `TableAlreadyExistsError`. */
  async createTable(identifier: string | TableIdentifier, options: CreateTableOptions): Promise<Table> {
    const id = parseIdentifier(identifier);
    if ((await this.options.pointers.get(id)) !== undefined) throw new TableAlreadyExistsError(formatIdentifier(id));
    const location = options.location ?? this.defaultLocation(id);
    const metadata = newTableMetadata({
      location,
      schema: options.schema,
      spec: options.spec ?? { 'spec-id': 0, fields: [] },
      ...(options.sortOrder ? { sortOrder: options.sortOrder } : {}),
      ...(options.properties ? { properties: options.properties } : {}),
    });
    const metadataLocation = nextMetadataLocation(location, undefined);
    await this.io.write(metadataLocation, new TextEncoder().encode(serializeTableMetadata(metadata)));
    try {
      await this.options.pointers.create(id, metadataLocation, metadata);
    } catch (error) {
      await this.io.delete([metadataLocation]);
      throw error;
    }
    this.logger.info({ table: formatIdentifier(id), location }, 'table created');
    return this.wrap(id, metadataLocation, metadata);
  }

  /** Loads a table at its current metadata; throws `NoSuchTableError`. */
  async loadTable(identifier: string | TableIdentifier): Promise<Table> {
    const id = parseIdentifier(identifier);
    const location = await this.options.pointers.get(id);
    if (location === undefined) throw new NoSuchTableError(formatIdentifier(id));
    return this.wrap(id, location, parseTableMetadata(await this.io.read(location)));
  }

  /** Loads the table, creating it first if it does not exist (races with another creator are fine). */
  async loadOrCreateTable(identifier: string | TableIdentifier, options: CreateTableOptions): Promise<Table> {
    try {
      return await this.loadTable(identifier);
    } catch (error) {
      if (!(error instanceof NoSuchTableError)) throw error;
    }
    try {
      return await this.createTable(identifier, options);
    } catch (error) {
      if (error instanceof TableAlreadyExistsError) return this.loadTable(identifier);
      throw error;
    }
  }

  async tableExists(identifier: string | TableIdentifier): Promise<boolean> {
    return (await this.options.pointers.get(parseIdentifier(identifier))) !== undefined;
  }

  async listTables(namespace: string): Promise<TableIdentifier[]> {
    return this.options.pointers.list(namespace);
  }

  /** Unregisters a table; with `purge`, also deletes every file under its location. */
  async dropTable(identifier: string | TableIdentifier, purge = false): Promise<void> {
    const id = parseIdentifier(identifier);
    const table = purge ? await this.loadTable(id) : undefined;
    await this.options.pointers.drop(id);
    if (table) await this.io.delete(await this.io.list(table.metadata.location));
  }

  private wrap(id: TableIdentifier, metadataLocation: string, metadata: ReturnType<typeof parseTableMetadata>): Table {
    const logger = this.logger.child({ table: formatIdentifier(id) });
    return new Table(
      new TableOperations(
        id,
        this.options.pointers,
        this.io.forTable(metadata.location),
        metadata,
        metadataLocation,
        logger,
      ),
      logger,
    );
  }
}
