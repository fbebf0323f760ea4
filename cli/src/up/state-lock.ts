import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PlatformError } from '@coattail/runtime';
import { z } from 'zod';

/**
 * Which `coattail up` holds a state directory, taken before anything opens the emulators' stores
 * there (where it serves them, once started, is in stack.json: see ./stack-file.ts).
 */
export const UpRecord = z.object({
  pid: z.number().int().positive(),
  startedAt: z.string(),
});
export type UpRecord = z.infer<typeof UpRecord>;

/** The state directory is held by another live `coattail up`. */
export class StateDirInUseError extends PlatformError {
  constructor(
    readonly stateDir: string,
    readonly pid: number,
  ) {
    super(
      'STATE_DIR_IN_USE',
      `already running (pid ${pid}) on the state directory ${stateDir}: stop that coattail up (Ctrl-C, or kill ${pid}) or pass another --state-dir`,
      { domain: 'user' },
    );
  }
}

const FILE = 'up.json';

/** Whether process `pid` is alive (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The record of the `coattail up` running on `stateDir`, or undefined when none runs (a stale record is ignored). */
export async function runningUp(stateDir: string): Promise<UpRecord | undefined> {
  const text = await readFile(join(stateDir, FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = UpRecord.safeParse(json);
  return parsed.success && processAlive(parsed.data.pid) ? parsed.data : undefined;
}

/** The hold of one `coattail up` on its state directory. */
export interface StateLock {
  release(): Promise<void>;
}

/**
 * Takes `stateDir` for this process: fails with {@link StateDirInUseError} when another live
 * process holds it; takes over the record of one that died without releasing it.
 */
export async function lockStateDir(stateDir: string, pid = process.pid): Promise<StateLock> {
  await mkdir(stateDir, { recursive: true });
  const path = join(stateDir, FILE);
  const record: UpRecord = { pid, startedAt: new Date().toISOString() };
  const write = (flag: 'wx' | 'w'): Promise<void> => writeFile(path, `${JSON.stringify(record)}\n`, { flag });
  try {
    await write('wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = await runningUp(stateDir);
    if (holder !== undefined && holder.pid !== pid) throw new StateDirInUseError(stateDir, holder.pid);
    await write('w');
  }
  return {
    async release() {
      const current = await runningUp(stateDir);
      if (current === undefined || current.pid === pid) await rm(path, { force: true });
    },
  };
}
