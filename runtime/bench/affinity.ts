/**
 * Pins this whole process (every thread it has: the main thread, V8's GC and compiler threads,
 * libuv's pool; threads started later inherit the pinning) to some of the machine's cores, so a
 * run of a benchmark can measure "one task on one core" in the same run as "two tasks on two
 * cores". Linux only, through util-linux's `taskset`; elsewhere {@link pinProcess} throws.
 */
import { execFileSync } from 'node:child_process';

/** The cores this process may run on now, as `taskset` lists them (`0,1` or `0-1`). */
export function processCores(): string {
  const out = execFileSync('taskset', ['-c', '-p', String(process.pid)], { encoding: 'utf8' });
  const list = /:\s*(\S+)\s*$/.exec(out.trim())?.[1];
  if (list === undefined) throw new Error(`taskset printed no core list: ${out.trim()}`);
  return list;
}

/**
 * Runs `fn` with every thread of this process pinned to `cores` (a taskset core list, e.g. `0`),
 * then puts back the cores the process had before, whatever `fn` did.
 */
export async function withProcessPinnedTo<T>(cores: string, fn: () => Promise<T>): Promise<T> {
  const before = pinProcess(cores);
  try {
    return await fn();
  } finally {
    pinProcess(before);
  }
}

/** Pins every thread of this process to `cores`; returns the core list it had. */
export function pinProcess(cores: string): string {
  if (process.platform !== 'linux') throw new Error('pinning to cores needs Linux (taskset)');
  const before = processCores();
  try {
    execFileSync('taskset', ['-a', '-c', '-p', cores, String(process.pid)], { stdio: 'ignore' });
  } catch (e) {
    throw new Error(`could not pin the benchmark to core(s) ${cores} with taskset -a: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return before;
}
