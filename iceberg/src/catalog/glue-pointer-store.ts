import { CommitConflictError, IcebergError, NoSuchTableError, TableAlreadyExistsError } from '../errors.js';
import type { TableMetadata } from '../metadata/table-metadata.js';
import { glueStorageDescriptor, type GlueStorageDescriptor } from './glue-columns.js';
import { formatIdentifier, type MetadataPointerStore, type TableIdentifier } from './pointer-store.js';

/** The table fields of Glue's API this store reads and writes. */
export interface GlueTableInput {
  Name: string;
  TableType?: string;
  Parameters?: Record<string, string>;
  StorageDescriptor?: GlueStorageDescriptor;
  PartitionKeys?: GlueStorageDescriptor['Columns'];
}

/** A Glue table as GetTable/GetTables return it: the fields this store reads. */
export interface GlueTable {
  Name?: string | undefined;
  TableType?: string | undefined;
  Parameters?: Record<string, string> | undefined;
  StorageDescriptor?:
    | {
        Location?: string | undefined;
        Columns?:
          | {
              Name: string | undefined;
              Type?: string | undefined;
              Comment?: string | undefined;
              Parameters?: Record<string, string> | undefined;
            }[]
          | undefined;
      }
    | undefined;
  VersionId?: string | undefined;
}

/**
 * The slice of the AWS Glue API the catalog needs, in the SDK's own shapes: the aggregated
 * `Glue` client of `@aws-sdk/client-glue` satisfies it as is (`new Glue({ region })`).
 */
export interface GlueClient {
  getTable(input: { DatabaseName: string; Name: string }): Promise<{ Table?: GlueTable | undefined }>;
  createTable(input: { DatabaseName: string; TableInput: GlueTableInput }): Promise<unknown>;
  updateTable(input: {
    DatabaseName: string;
    TableInput: GlueTableInput;
    VersionId?: string;
    SkipArchive?: boolean;
  }): Promise<unknown>;
  getTables(input: {
    DatabaseName: string;
    NextToken?: string;
  }): Promise<{ TableList?: GlueTable[] | undefined; NextToken?: string | undefined }>;
  deleteTable(input: { DatabaseName: string; Name: string }): Promise<unknown>;
}

const METADATA_LOCATION = 'metadata_location';
const PREVIOUS_METADATA_LOCATION = 'previous_metadata_location';

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string'
    ? error.name
    : undefined;
}

function tableLocationOf(metadataLocation: string): string {
  return metadataLocation.replace(/\/metadata\/[^/]+$/, '');
}

/** Location and columns from the metadata when the caller has it, else the location and the columns Glue has. */
function storageDescriptor(
  metadataLocation: string,
  metadata: TableMetadata | undefined,
  previous?: GlueTable['StorageDescriptor'],
): GlueStorageDescriptor {
  if (metadata) return glueStorageDescriptor(metadata);
  const columns = (previous?.Columns ?? []).flatMap((c) =>
    c.Name === undefined
      ? []
      : [
          {
            Name: c.Name,
            Type: c.Type ?? 'string',
            ...(c.Comment !== undefined ? { Comment: c.Comment } : {}),
            ...(c.Parameters !== undefined ? { Parameters: c.Parameters } : {}),
          },
        ],
  );
  return { Location: tableLocationOf(metadataLocation), ...(columns.length > 0 ? { Columns: columns } : {}) };
}

/**
 * AWS Glue as the catalog Athena reads: a Glue table per Iceberg table with `table_type=ICEBERG`
 * and `metadata_location` / `previous_metadata_location` parameters, the current schema as the
 * StorageDescriptor's columns and no partition keys (the layout of Iceberg's own GlueCatalog, what
 * Athena reads). A swap checks the current `metadata_location` and then updates with Glue's
 * `VersionId` it read (always: a table read without one is refused), so a concurrent update in between fails with `ConcurrentModificationException` →
 * {@link CommitConflictError}. The Glue database (the namespace) must exist: the deployment makes it.
 */
export class GluePointerStore implements MetadataPointerStore {
  constructor(
    private readonly glue: GlueClient,
    /** Keep Glue's table version archive small, as Iceberg's GlueCatalog does by default. @default true */
    private readonly skipArchive = true,
  ) {}

  private async getTable(id: TableIdentifier): Promise<GlueTable | undefined> {
    try {
      return (await this.glue.getTable({ DatabaseName: id.namespace, Name: id.name })).Table;
    } catch (error) {
      if (errorName(error) === 'EntityNotFoundException') return undefined;
      throw new IcebergError('GLUE', `Glue GetTable failed for ${formatIdentifier(id)}`, {
        domain: 'external',
        retryable: true,
        cause: error,
      });
    }
  }

  async get(id: TableIdentifier): Promise<string | undefined> {
    const table = await this.getTable(id);
    if (!table) return undefined;
    const location = table.Parameters?.[METADATA_LOCATION];
    if (table.Parameters?.table_type?.toUpperCase() !== 'ICEBERG' || !location) {
      throw new IcebergError(
        'NOT_ICEBERG',
        `Glue table ${formatIdentifier(id)} is not an Iceberg table (no table_type=ICEBERG / metadata_location)`,
        { domain: 'user' },
      );
    }
    return location;
  }

  async create(id: TableIdentifier, metadataLocation: string, metadata?: TableMetadata): Promise<void> {
    try {
      await this.glue.createTable({
        DatabaseName: id.namespace,
        TableInput: {
          Name: id.name,
          TableType: 'EXTERNAL_TABLE',
          Parameters: { table_type: 'ICEBERG', [METADATA_LOCATION]: metadataLocation },
          StorageDescriptor: storageDescriptor(metadataLocation, metadata),
          PartitionKeys: [],
        },
      });
    } catch (error) {
      if (errorName(error) === 'AlreadyExistsException') throw new TableAlreadyExistsError(formatIdentifier(id));
      if (errorName(error) === 'EntityNotFoundException')
        throw new IcebergError(
          'GLUE',
          `Glue database '${id.namespace}' does not exist: deploy the stack that creates it (infra/) before the jobs`,
          { domain: 'user', cause: error },
        );
      throw new IcebergError('GLUE', `Glue CreateTable failed for ${formatIdentifier(id)}`, {
        domain: 'external',
        retryable: true,
        cause: error,
      });
    }
  }

  async swap(id: TableIdentifier, expected: string, next: string, metadata?: TableMetadata): Promise<void> {
    const table = await this.getTable(id);
    if (!table) throw new NoSuchTableError(formatIdentifier(id));
    const current = table.Parameters?.[METADATA_LOCATION];
    if (current !== expected)
      throw new CommitConflictError(
        `Glue table ${formatIdentifier(id)} points at ${current ?? 'nothing'}, not ${expected}`,
      );
    // The VersionId makes the update conditional on the version just read; without it a commit
    // landing between GetTable and UpdateTable would be overwritten and its snapshot lost.
    if (table.VersionId === undefined)
      throw new IcebergError(
        'GLUE',
        `Glue GetTable returned no VersionId for ${formatIdentifier(id)}, so the pointer cannot be swapped conditionally; use a Glue API (or client) that returns VersionId`,
        { domain: 'external', retryable: false },
      );
    try {
      await this.glue.updateTable({
        DatabaseName: id.namespace,
        TableInput: {
          Name: id.name,
          TableType: table.TableType ?? 'EXTERNAL_TABLE',
          Parameters: {
            ...table.Parameters,
            table_type: 'ICEBERG',
            [METADATA_LOCATION]: next,
            [PREVIOUS_METADATA_LOCATION]: expected,
          },
          StorageDescriptor: storageDescriptor(next, metadata, table.StorageDescriptor),
          PartitionKeys: [],
        },
        VersionId: table.VersionId,
        SkipArchive: this.skipArchive,
      });
    } catch (error) {
      if (errorName(error) === 'ConcurrentModificationException')
        throw new CommitConflictError(`Glue table ${formatIdentifier(id)} changed during the commit`, error);
      throw new IcebergError(
        'GLUE',
        `Glue UpdateTable failed for ${formatIdentifier(id)}; the commit state is unknown, refresh before retrying`,
        { domain: 'external', retryable: false, cause: error },
      );
    }
  }

  async list(namespace: string): Promise<TableIdentifier[]> {
    const out: TableIdentifier[] = [];
    let token: string | undefined;
    do {
      const page = await this.glue.getTables({ DatabaseName: namespace, ...(token ? { NextToken: token } : {}) });
      for (const t of page.TableList ?? [])
        if (t.Name !== undefined && t.Parameters?.table_type?.toUpperCase() === 'ICEBERG')
          out.push({ namespace, name: t.Name });
      token = page.NextToken;
    } while (token);
    return out;
  }

  async drop(id: TableIdentifier): Promise<void> {
    try {
      await this.glue.deleteTable({ DatabaseName: id.namespace, Name: id.name });
    } catch (error) {
      if (errorName(error) !== 'EntityNotFoundException') throw error;
    }
  }
}
