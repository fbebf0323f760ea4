import { randomUUID } from 'node:crypto';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { listIssues } from '@coattail/runtime';
import { CommitConflictError, InvalidMetadataError, NoSuchTableError, TableAlreadyExistsError } from '../errors.js';
import { GenerationLock } from './generation-lock.js';
import { formatIdentifier, type MetadataPointerStore, type TableIdentifier } from './pointer-store.js';

const pointerSchema = z.object({
  metadataLocation: z.string().min(1),
  previousMetadataLocation: z.string().min(1).optional(),
});

/** Options of {@link LocalPointerStore}. */
export interface LocalPointerStoreOptions {
  /** How long to wait for another process's lock before giving up. @default 10000 */
  lockTimeoutMs?: number;
  /**
   * A lock older than this is considered left behind by a crashed process and broken. A lock whose
   * owner (pid on this host, written into the lock) is no longer alive is broken at once.
   * @default 30000
   */
  staleLockMs?: number;
}

/**
 * The embedded catalog: one small JSON pointer file per table in a local folder, swapped under a
 * {@link GenerationLock} (a folder `<table>.json.locks` beside it) and written to a temporary file
 * renamed into place. Safe across processes on one machine — the compare-and-swap the spec asks
 * of a catalog — with no server to run; the metadata itself can live in any object store. Chosen
 * over the JDBC layout on Postgres so `npm start` needs nothing running.
 */
export class LocalPointerStore implements MetadataPointerStore {
  private readonly lockTimeoutMs: number;
  private readonly staleLockMs: number;

  constructor(
    readonly root: string,
    options: LocalPointerStoreOptions = {},
  ) {
    this.lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.staleLockMs = options.staleLockMs ?? 30_000;
  }

  private path(id: TableIdentifier): string {
    return join(this.root, encodeURIComponent(id.namespace), `${encodeURIComponent(id.name)}.json`);
  }

  private async read(id: TableIdentifier): Promise<z.infer<typeof pointerSchema> | undefined> {
    const file = this.path(id);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    // A pointer of another shape would open the table at the wrong metadata, or none.
    const invalid = (what: string, cause?: unknown): InvalidMetadataError =>
      new InvalidMetadataError(
        `catalog pointer ${file} of table '${formatIdentifier(id)}' is not readable (${what}): repair it or drop the table`,
        cause,
      );
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (cause) {
      throw invalid('not JSON', cause);
    }
    const parsed = pointerSchema.safeParse(raw);
    if (!parsed.success) throw invalid(listIssues(parsed.error));
    return parsed.data;
  }

  private async write(id: TableIdentifier, pointer: z.infer<typeof pointerSchema>): Promise<void> {
    const path = this.path(id);
    const tmp = `${path}.${randomUUID()}.tmp`;
    await writeFile(tmp, JSON.stringify(pointer));
    await rename(tmp, path);
  }

  /**
   * Runs `fn` holding the table's lock. `fn` calls `fence()` right before it writes, so a holder
   * that was too slow and got taken over as stale gives up instead of overwriting the new holder's
   * commit.
   */
  private async withLock<T>(id: TableIdentifier, fn: (fence: () => Promise<void>) => Promise<T>): Promise<T> {
    const lock = new GenerationLock(`${this.path(id)}.locks`, {
      timeoutMs: this.lockTimeoutMs,
      staleMs: this.staleLockMs,
      name: formatIdentifier(id),
    });
    const hold = await lock.acquire();
    try {
      return await fn(() => lock.assertHeld(hold));
    } finally {
      await lock.release(hold);
    }
  }

  async get(id: TableIdentifier): Promise<string | undefined> {
    return (await this.read(id))?.metadataLocation;
  }

  async create(id: TableIdentifier, metadataLocation: string): Promise<void> {
    await this.withLock(id, async (fence) => {
      if (await this.read(id)) throw new TableAlreadyExistsError(formatIdentifier(id));
      await fence();
      await this.write(id, { metadataLocation });
    });
  }

  async swap(id: TableIdentifier, expected: string, next: string): Promise<void> {
    await this.withLock(id, async (fence) => {
      const current = await this.read(id);
      if (!current) throw new NoSuchTableError(formatIdentifier(id));
      if (current.metadataLocation !== expected) {
        throw new CommitConflictError(
          `table '${formatIdentifier(id)}' moved to ${current.metadataLocation} since ${expected} was read`,
        );
      }
      // Taken over while we were slow: the pointer was not moved, so this is a conflict to retry.
      await fence().catch((error: unknown) => {
        throw new CommitConflictError(`table '${formatIdentifier(id)}': ${(error as Error).message}`, error);
      });
      await this.write(id, { metadataLocation: next, previousMetadataLocation: expected });
    });
  }

  async list(namespace: string): Promise<TableIdentifier[]> {
    try {
      const names = await readdir(join(this.root, encodeURIComponent(namespace)));
      return names
        .filter((n) => n.endsWith('.json'))
        .map((n) => ({ namespace, name: decodeURIComponent(n.slice(0, -'.json'.length)) }));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async drop(id: TableIdentifier): Promise<void> {
    await this.withLock(id, async (fence) => {
      await fence();
      await rm(this.path(id), { force: true });
    });
  }
}
