import type { CheckpointStore } from '@coattail/runtime';

/**
 * The narrow object storage every room of the platform uses (Iceberg files, raw zone, DLQ,
 * checkpoints): whole-object put and get, prefix listing, delete. Any ObjectStore is also a
 * runtime `CheckpointStore`. Implementations: {@link LocalObjectStore} (a folder) and the S3 store.
 */
export interface ObjectStore extends CheckpointStore {
  /** A readable description for logs and errors, e.g. `s3://bucket/prefix` or `file:///data`. */
  readonly location: string;
  /**
   * Like `list`, with what a listing tells about each object (S3 returns it with the keys). Table
   * maintenance needs the age of files to leave in-flight writes alone; a store without this
   * method has its old unreferenced files kept, never guessed at.
   */
  listDetailed?(prefix: string): Promise<ObjectInfo[]>;
}

/** One object of a listing. */
export interface ObjectInfo {
  key: string;
  /** Last-modified time, ms since epoch; undefined when the store did not say. */
  lastModifiedMs: number | undefined;
  sizeBytes: number;
}
