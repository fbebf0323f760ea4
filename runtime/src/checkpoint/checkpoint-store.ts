/**
 * The narrow storage a checkpoint needs, in Kysely's manner: four calls any object store can
 * answer. Implementations: {@link LocalCheckpointStore} (a folder) here, S3 in `@coattail/connectors`.
 * Run `describeCheckpointStoreContract` from `@coattail/runtime/testing` against each.
 */
export interface CheckpointStore {
  /** Writes an object whole; a reader never sees part of it. */
  put(key: string, body: Uint8Array): Promise<void>;
  /** Reads an object, or undefined if it does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Keys that start with `prefix`, in any order. */
  list(prefix: string): Promise<string[]>;
  /** Deletes objects; missing keys are not an error. */
  delete(keys: readonly string[]): Promise<void>;
}
