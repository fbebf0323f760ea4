import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { CommitConflictError, IcebergError, NoSuchTableError, TableAlreadyExistsError } from '../errors.js';
import { formatIdentifier, type MetadataPointerStore, type TableIdentifier } from './pointer-store.js';

const pointerSchema = z.object({ metadataLocation: z.string(), previousMetadataLocation: z.string().optional() });

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
 * The embedded catalog: one small JSON pointer file per table in a local folder, swapped under an
 * exclusive lock file (`open(..., 'wx')` is atomic on local filesystems), written to a temporary
 * file and renamed into place. Safe across processes on one machine — the compare-and-swap the
 * spec asks of a catalog — with no server to run; the metadata itself can live in any object store.
 * Chosen over the JDBC layout on Postgres so `npm start` needs nothing running.
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
    try {
      return pointerSchema.parse(JSON.parse(await readFile(this.path(id), 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private async write(id: TableIdentifier, pointer: z.infer<typeof pointerSchema>): Promise<void> {
    const path = this.path(id);
    const tmp = `${path}.${randomUUID()}.tmp`;
    await writeFile(tmp, JSON.stringify(pointer));
    await rename(tmp, path);
  }

  private async withLock<T>(id: TableIdentifier, fn: () => Promise<T>): Promise<T> {
    const lock = `${this.path(id)}.lock`;
    await mkdir(dirname(lock), { recursive: true });
    const deadline = Date.now() + this.lockTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await open(lock, 'wx');
        await handle.writeFile(`${hostname()} ${process.pid} ${new Date().toISOString()}`);
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (await this.isStale(lock)) await rm(lock, { force: true });
        else if (Date.now() > deadline)
          throw new IcebergError(
            'CATALOG_LOCKED',
            `table '${formatIdentifier(id)}' stayed locked for ${this.lockTimeoutMs} ms; remove ${lock} if no writer is running`,
            { domain: 'external', retryable: true },
          );
        else await sleep(Math.min(50, 2 + attempt * 2) * (0.5 + Math.random()));
      }
    }
    try {
      return await fn();
    } finally {
      await rm(lock, { force: true });
    }
  }

  /**
   * Left behind by a crashed writer: older than `staleLockMs`, or owned by a process of this host
   * that no longer runs (a SIGKILLed job must not block its own restart for `staleLockMs`).
   */
  private async isStale(lock: string): Promise<boolean> {
    const [info, text] = await Promise.all([stat(lock).catch(() => undefined), readFile(lock, 'utf8').catch(() => '')]);
    if (info === undefined) return false;
    if (Date.now() - info.mtimeMs > this.staleLockMs) return true;
    // Empty while its owner is still writing it: not stale.
    const [host, pid] = text.split(' ');
    return host === hostname() && pid !== undefined && /^\d+$/.test(pid) && !processAlive(Number(pid));
  }

  async get(id: TableIdentifier): Promise<string | undefined> {
    return (await this.read(id))?.metadataLocation;
  }

  async create(id: TableIdentifier, metadataLocation: string): Promise<void> {
    await this.withLock(id, async () => {
      if (await this.read(id)) throw new TableAlreadyExistsError(formatIdentifier(id));
      await this.write(id, { metadataLocation });
    });
  }

  async swap(id: TableIdentifier, expected: string, next: string): Promise<void> {
    await this.withLock(id, async () => {
      const current = await this.read(id);
      if (!current) throw new NoSuchTableError(formatIdentifier(id));
      if (current.metadataLocation !== expected) {
        throw new CommitConflictError(
          `table '${formatIdentifier(id)}' moved to ${current.metadataLocation} since ${expected} was read`,
        );
      }
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
    await this.withLock(id, async () => {
      await rm(this.path(id), { force: true });
    });
  }
}

/** Whether a process of this host runs (signal 0 checks without signalling; EPERM means it runs as another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
