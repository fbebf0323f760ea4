import { open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { processAlive } from '@coattail/runtime';
import { z } from 'zod';
import type { RunLock } from './types.js';

const lockSchema = z.object({ owner: z.string(), pid: z.number(), host: z.string(), acquiredAt: z.string() });

/**
 * An exclusive lock file created with O_EXCL: the first process to create it holds the lock. The
 * file names the holder's pid and host, so a lock left by a process that died on this host is
 * broken at once instead of blocking the pipeline until someone deletes it by hand.
 */
export async function tryFileLock(path: string, owner: string): Promise<RunLock | { heldBy: string }> {
  await mkdir(dirname(path), { recursive: true });
  for (let tries = 0; tries < 3; tries++) {
    try {
      const handle = await open(path, 'wx');
      const body = { owner, pid: process.pid, host: hostname(), acquiredAt: new Date().toISOString() };
      await handle.writeFile(JSON.stringify(body));
      await handle.close();
      return { release: () => rm(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const raw = await readFile(path, 'utf8').catch(() => '');
    const held = lockSchema.safeParse(raw === '' ? undefined : JSON.parse(raw));
    // An unreadable lock is one whose writer died between create and write.
    if (held.success && (held.data.host !== hostname() || processAlive(held.data.pid)))
      return { heldBy: `${held.data.owner} (pid ${held.data.pid} on ${held.data.host} since ${held.data.acquiredAt})` };
    await rm(path, { force: true });
  }
  return { heldBy: `another process (lock file ${path} keeps reappearing)` };
}
