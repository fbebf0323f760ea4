import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, type Logger } from '@coattail/runtime';
import { formatIdentifier, type MetadataPointerStore, type TableIdentifier } from '../catalog/pointer-store.js';
import { CommitConflictError, NoSuchTableError } from '../errors.js';
import type { FileIO } from '../io/file-io.js';
import { nextMetadataLocation } from '../metadata/metadata-builder.js';
import { parseTableMetadata, serializeTableMetadata, type TableMetadata } from '../metadata/table-metadata.js';

/** What one commit attempt produced: new metadata, or nothing to do; plus files to delete if the attempt loses. */
export type AttemptResult<T> =
  { kind: 'commit'; metadata: TableMetadata; result: T; attemptFiles: string[] } | { kind: 'noop'; result: T };

/** Retry policy of optimistic commits. */
export interface CommitRetryOptions {
  /** Attempts after the first. @default 8 (table property `commit.retry.num-retries` overrides) */
  retries?: number;
  /** Ceiling of the first back-off; doubles per attempt, full jitter (the platform's retry policy). @default 20 */
  minWaitMs?: number;
  /** @default 2000 */
  maxWaitMs?: number;
}

/**
 * The current metadata of one table and the optimistic commit protocol of the spec: build new
 * metadata from a base, write it as a new file, then ask the catalog to swap the pointer only if
 * it still points at the base. On conflict: delete the attempt's files, refresh, re-apply, retry.
 */
export class TableOperations {
  private current: TableMetadata;
  private currentLocation: string;

  constructor(
    readonly identifier: TableIdentifier,
    readonly pointers: MetadataPointerStore,
    readonly io: FileIO,
    metadata: TableMetadata,
    metadataLocation: string,
    private readonly logger: Logger,
  ) {
    this.current = metadata;
    this.currentLocation = metadataLocation;
  }

  get metadata(): TableMetadata {
    return this.current;
  }

  get metadataLocation(): string {
    return this.currentLocation;
  }

  /** Reloads the metadata the catalog points at now. */
  async refresh(): Promise<TableMetadata> {
    return (await this.refreshed()).metadata;
  }

  /**
   * The current metadata with its location, as one value: a commit of another caller of this
   * object (shard tasks share a table) may land while we await, and a base read from one version
   * swapped from another's location would silently drop that commit.
   */
  private async refreshed(): Promise<{ metadata: TableMetadata; location: string }> {
    const location = await this.pointers.get(this.identifier);
    if (location === undefined) throw new NoSuchTableError(formatIdentifier(this.identifier));
    const metadata =
      location === this.currentLocation ? this.current : parseTableMetadata(await this.io.read(location));
    this.current = metadata;
    this.currentLocation = location;
    return { metadata, location };
  }

  /** Writes `metadata` as the next version and swaps the pointer from `baseLocation`; throws `CommitConflictError`. */
  async commit(baseLocation: string, metadata: TableMetadata): Promise<void> {
    const location = nextMetadataLocation(metadata.location, baseLocation);
    await this.io.write(location, new TextEncoder().encode(serializeTableMetadata(metadata)));
    try {
      await this.pointers.swap(this.identifier, baseLocation, location, metadata);
    } catch (error) {
      // The swap did not happen (a conflict) or we cannot know (a network error): only in the
      // first case is the file certainly unreferenced, so only then is it safe to delete.
      if (error instanceof CommitConflictError) await this.io.delete([location]);
      throw error;
    }
    if (this.currentLocation === baseLocation) {
      this.current = metadata;
      this.currentLocation = location;
    }
  }

  /**
   * Runs `attempt` against fresh bases until a commit lands, nothing is left to do, or retries run
   * out. `attempt` gets the base's own location (for the metadata log): `this.metadataLocation` may
   * already have moved on under a concurrent commit of the same table object.
   */
  async commitWithRetry<T>(
    attempt: (base: TableMetadata, attemptNumber: number, baseLocation: string) => Promise<AttemptResult<T>>,
    options: CommitRetryOptions = {},
  ): Promise<T> {
    const props = this.current.properties;
    const retries = options.retries ?? Number(props['commit.retry.num-retries'] ?? 8);
    const minWait = options.minWaitMs ?? 20;
    const maxWait = options.maxWaitMs ?? 2000;
    for (let n = 0; ; n++) {
      const { metadata: base, location: baseLocation } = await this.refreshed();
      const outcome = await attempt(base, n, baseLocation);
      if (outcome.kind === 'noop') return outcome.result;
      try {
        await this.commit(baseLocation, outcome.metadata);
        return outcome.result;
      } catch (error) {
        if (!(error instanceof CommitConflictError)) throw error;
        await this.io.delete(outcome.attemptFiles);
        if (n >= retries) throw new CommitConflictError(`gave up after ${n + 1} attempts: ${error.message}`, error);
        this.logger.debug(
          { table: formatIdentifier(this.identifier), attempt: n + 1 },
          'commit conflict, retrying on refreshed metadata',
        );
        await sleep(backoffDelay(n, minWait, maxWait));
      }
    }
  }
}
