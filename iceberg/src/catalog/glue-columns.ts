import { currentSchema, type TableMetadata } from '../metadata/table-metadata.js';
import type { IcebergType } from '../schema/types.js';

/** A column of a Glue table's StorageDescriptor, in the SDK's shape. */
export interface GlueColumn {
  Name: string;
  Type: string;
  Comment?: string;
  Parameters?: Record<string, string>;
}

/** The StorageDescriptor fields this catalog writes. */
export interface GlueStorageDescriptor {
  Location?: string;
  Columns?: GlueColumn[];
}

/**
 * The Hive type Glue (and so Athena's column listing) shows for an Iceberg type, as Iceberg's own
 * GlueCatalog writes it: `long` → `bigint`, both timestamps → `timestamp`, `uuid` → `string`,
 * `fixed` → `binary`, nested types spelled out.
 */
export function glueType(type: IcebergType): string {
  if (typeof type !== 'string') {
    switch (type.type) {
      case 'struct':
        return `struct<${type.fields.map((f) => `${f.name}:${glueType(f.type)}`).join(',')}>`;
      case 'list':
        return `array<${glueType(type.element)}>`;
      case 'map':
        return `map<${glueType(type.key)},${glueType(type.value)}>`;
    }
  }
  if (type.startsWith('decimal(')) return type.replace(/\s+/g, '');
  if (type.startsWith('fixed[')) return 'binary';
  switch (type) {
    case 'long':
      return 'bigint';
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return 'timestamp';
    case 'uuid':
    case 'time':
      return 'string';
    default:
      return type;
  }
}

/**
 * The StorageDescriptor of an Iceberg table in Glue: its location and the current schema's columns
 * with their field ids (the `iceberg.field.*` column parameters of Iceberg's GlueCatalog). Glue has
 * no partition keys for Iceberg tables: partitioning is hidden, in the metadata file Athena reads
 * through `metadata_location`.
 */
export function glueStorageDescriptor(metadata: TableMetadata): GlueStorageDescriptor {
  return {
    Location: metadata.location,
    Columns: currentSchema(metadata).fields.map((f) => ({
      Name: f.name,
      Type: glueType(f.type),
      ...(f.doc !== undefined ? { Comment: f.doc } : {}),
      Parameters: {
        'iceberg.field.id': String(f.id),
        'iceberg.field.optional': String(!f.required),
        'iceberg.field.current': 'true',
      },
    })),
  };
}
