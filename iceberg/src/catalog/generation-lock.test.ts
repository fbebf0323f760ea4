import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GenerationLock } from './generation-lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'generation-lock-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const lock = (timeoutMs = 10_000): GenerationLock =>
  new GenerationLock(join(dir, 't.json.locks'), { timeoutMs, staleMs: 30_000, name: 'db.t' });

/** Makes generation `n` look as old as a lock left behind long ago (its holder is slow, not dead). */
async function age(n: number): Promise<void> {
  const past = new Date(Date.now() - 3_600_000);
  await utimes(join(dir, 't.json.locks', `${n}.lock`), past, past);
}

describe('GenerationLock', () => {
  it('hands the lock to one waiter at a time and keeps only the newest generation on disk', async () => {
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const l = lock();
        const hold = await l.acquire();
        most = Math.max(most, ++inside);
        await new Promise((r) => setImmediate(r));
        inside--;
        await l.release(hold);
      }),
    );
    expect(most).toBe(1);
    const left = (await readdir(join(dir, 't.json.locks'))).filter((n) => n.endsWith('.lock'));
    expect(left).toEqual(['7.lock']);
  });

  it('does not let a holder taken over as stale free the new holder’s lock, and tells it it lost', async () => {
    const slow = lock();
    const slowHold = await slow.acquire();
    await age(slowHold.generation);
    const next = lock();
    const nextHold = await next.acquire();
    await expect(slow.assertHeld(slowHold)).rejects.toMatchObject({ code: 'CATALOG_LOCK_LOST' });
    await slow.release(slowHold);
    await next.assertHeld(nextHold);
    await expect(lock(200).acquire()).rejects.toMatchObject({ code: 'CATALOG_LOCKED' });
    await next.release(nextHold);
    await lock(200).acquire();
  });
});
