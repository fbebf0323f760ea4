import type { TableMetadata } from '../metadata/table-metadata.js';

/** A table's name in a catalog: one namespace level (a Glue database) and a name. */
export interface TableIdentifier {
  namespace: string;
  name: string;
}

/** Parses `db.table` into a {@link TableIdentifier}. */
export function parseIdentifier(text: string | TableIdentifier): TableIdentifier {
  if (typeof text !== 'string') return text;
  const dot = text.lastIndexOf('.');
  if (dot <= 0 || dot === text.length - 1)
    throw new TypeError(`table identifier '${text}' must look like 'namespace.table'`);
  return { namespace: text.slice(0, dot), name: text.slice(dot + 1) };
}

/** `namespace.name`. */
export function formatIdentifier(id: TableIdentifier): string {
  return `${id.namespace}.${id.name}`;
}

/**
 * The one thing a catalog must do atomically: hold, per table, the location of its current
 * metadata file, and move it only from the version a writer based its change on. Everything else
 * (data, manifests, metadata files) lives in the object store. Implementations: a lock-file
 * folder ({@link LocalPointerStore}) and AWS Glue ({@link GluePointerStore}).
 */
export interface MetadataPointerStore {
  /** Current metadata location, or undefined if the table does not exist. */
  get(id: TableIdentifier): Promise<string | undefined>;
  /**
   * Registers a new table; throws `TableAlreadyExistsError` if it exists. `metadata` is the content
   * of `metadataLocation`, for catalogs that also describe the table's columns (Glue).
   */
  create(id: TableIdentifier, metadataLocation: string, metadata?: TableMetadata): Promise<void>;
  /**
   * Points the table at `next` if it still points at `expected`; otherwise throws
   * `CommitConflictError` (refresh and retry). `metadata` is the content of `next`.
   */
  swap(id: TableIdentifier, expected: string, next: string, metadata?: TableMetadata): Promise<void>;
  /** Tables of a namespace. */
  list(namespace: string): Promise<TableIdentifier[]>;
  /** Forgets a table (files are left to the caller). */
  drop(id: TableIdentifier): Promise<void>;
}
