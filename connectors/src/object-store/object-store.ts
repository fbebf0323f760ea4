import type { CheckpointStore } from '@coattail/runtime';

/**
 * The narrow object storage every room of the platform uses (Iceberg files, raw zone, DLQ,
 * checkpoints): whole-object put and get, prefix listing, delete. Any ObjectStore is also a
 * runtime `CheckpointStore`. Implementations: {@link LocalObjectStore} (a folder) and the S3 store.
 */
export interface ObjectStore extends CheckpointStore {
  /** A readable description for logs and errors, e.g. `s3://bucket/prefix` or `file:///data`. */
  readonly location: string;
}
