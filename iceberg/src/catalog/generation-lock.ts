import { randomUUID } from 'node:crypto';
import { link, mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, processAlive } from '@coattail/runtime';
import { IcebergError } from '../errors.js';

/** Options of {@link GenerationLock}. */
export interface GenerationLockOptions {
  /** How long to wait for another holder before giving up. @default 10000 */
  timeoutMs: number;
  /** A generation older than this is taken to be left behind by a crashed holder. @default 30000 */
  staleMs: number;
  /** Names the lock in errors (the table). */
  name: string;
}

/** A held generation of a {@link GenerationLock}; pass it back to `release` / `assertHeld`. */
export interface LockHold {
  readonly generation: number;
  readonly token: string;
}

const ENTRY = /^(\d+)\.(lock|released)$/;
const TMP = /\.tmp$/;

/**
 * Tokens of locks this process holds or is taking. A lock file naming our own pid with a token we
 * do not hold was left by an earlier process that had the same pid (a restarted container often
 * does): it is as dead as a missing pid.
 */
const heldHere = new Set<string>();

interface Scan {
  /** Highest generation present, -1 for a lock never taken. */
  max: number;
  released: boolean;
}

/**
 * A mutual-exclusion lock between processes of one machine, in a folder, in which nothing is ever
 * removed by its path while it may still count. Each acquisition creates the next generation file
 * `<n>.lock` with `link()` (atomic, fails if it exists, and the file appears with its content); the
 * highest generation is the lock. It is free once its holder wrote `<n>.released`, or stale when its
 * holder is gone. Releasing only marks one's own generation, and breaking a stale lock is just
 * taking the next generation — so two writers that both find a dead holder race on one `link()`,
 * exactly one wins, and a slow holder's late release cannot free someone else's lock.
 *
 * The holder of generation n deletes generations below n: they can no longer matter, since the
 * highest generation is never deleted (so generations only grow). A writer that raced with that
 * clean-up and re-created a deleted lower generation sees a higher one when it checks and backs off.
 */
export class GenerationLock {
  constructor(
    readonly dir: string,
    private readonly options: GenerationLockOptions,
  ) {}

  /** Takes the lock, waiting up to `timeoutMs`; throws `CATALOG_LOCKED` after that. */
  async acquire(): Promise<LockHold> {
    await mkdir(this.dir, { recursive: true });
    const token = `${hostname()} ${process.pid} ${new Date().toISOString()} ${randomUUID()}`;
    const deadline = Date.now() + this.options.timeoutMs;
    heldHere.add(token);
    try {
      for (let attempt = 0; ; attempt++) {
        const seen = await this.scan();
        if (seen.max < 0 || seen.released || (await this.isStale(seen.max))) {
          const generation = seen.max + 1;
          if (await this.create(generation, token)) {
            // A lower generation re-created after the clean-up deleted it is not the lock.
            const now = await this.scan();
            if (now.max === generation) {
              await this.cleanBelow(generation);
              return { generation, token };
            }
          }
          continue;
        }
        if (Date.now() > deadline)
          throw new IcebergError(
            'CATALOG_LOCKED',
            `table '${this.options.name}' stayed locked for ${this.options.timeoutMs} ms by ${await this.owner(seen.max)}; if no writer is running, remove ${join(this.dir, `${seen.max}.lock`)}`,
            { domain: 'external', retryable: true },
          );
        await sleep(1 + backoffDelay(attempt, 4, 50));
      }
    } catch (error) {
      heldHere.delete(token);
      throw error;
    }
  }

  /**
   * Throws unless `hold` is still the lock: a holder slower than `staleMs` may have been taken over,
   * and must not then write what the lock protects.
   */
  async assertHeld(hold: LockHold): Promise<void> {
    const seen = await this.scan();
    if (seen.max !== hold.generation || seen.released)
      throw new IcebergError(
        'CATALOG_LOCK_LOST',
        `the lock of table '${this.options.name}' was taken over after ${this.options.staleMs} ms; the change was not applied, retry it`,
        { domain: 'external', retryable: true },
      );
  }

  /** Frees `hold`'s generation; harmless if it was taken over meanwhile. */
  async release(hold: LockHold): Promise<void> {
    try {
      await writeFile(join(this.dir, `${hold.generation}.released`), hold.token, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      heldHere.delete(hold.token);
    }
  }

  private async scan(): Promise<Scan> {
    let max = -1;
    const released = new Set<number>();
    for (const name of await readdir(this.dir)) {
      const m = ENTRY.exec(name);
      if (!m) continue;
      const n = Number(m[1]);
      if (m[2] === 'released') released.add(n);
      else max = Math.max(max, n);
    }
    return { max, released: released.has(max) };
  }

  /** Creates generation `n` holding `token`; false if it exists. */
  private async create(n: number, token: string): Promise<boolean> {
    const tmp = join(this.dir, `${randomUUID()}.tmp`);
    await writeFile(tmp, token);
    try {
      await link(tmp, join(this.dir, `${n}.lock`));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(tmp);
    }
  }

  /**
   * Left behind by a crashed holder: older than `staleMs`, or owned by a process of this host that
   * no longer runs (a SIGKILLed job must not block its own restart for `staleMs`).
   */
  private async isStale(n: number): Promise<boolean> {
    const path = join(this.dir, `${n}.lock`);
    const [info, text] = await Promise.all([stat(path).catch(() => undefined), readFile(path, 'utf8').catch(() => '')]);
    if (info === undefined) return false;
    if (Date.now() - info.mtimeMs > this.options.staleMs) return true;
    const [host, pid] = text.split(' ');
    if (host !== hostname() || pid === undefined || !/^\d+$/.test(pid)) return false;
    if (Number(pid) === process.pid) return !heldHere.has(text);
    return !processAlive(Number(pid));
  }

  private async owner(n: number): Promise<string> {
    const text = await readFile(join(this.dir, `${n}.lock`), 'utf8').catch(() => '');
    const [host, pid, since] = text.split(' ');
    return host && pid ? `pid ${pid} on ${host} since ${since ?? '?'}` : 'an unknown writer';
  }

  /** Deletes generations below `n` and temporary files older than `staleMs` (left by a crash mid-acquire). */
  private async cleanBelow(n: number): Promise<void> {
    for (const name of await readdir(this.dir)) {
      const m = ENTRY.exec(name);
      if (m && Number(m[1]) < n) await unlink(join(this.dir, name)).catch(ignoreMissing);
      else if (TMP.test(name)) {
        const info = await stat(join(this.dir, name)).catch(() => undefined);
        if (info && Date.now() - info.mtimeMs > this.options.staleMs)
          await unlink(join(this.dir, name)).catch(ignoreMissing);
      }
    }
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
