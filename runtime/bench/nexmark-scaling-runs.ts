/** The runs of the keyBy-exchange benchmark (nexmark-scaling.ts): which, in what order, how pinned. */
import { withProcessPinnedTo } from './affinity.js';
import { timed, type Timed } from './measure.js';

export interface Run {
  parallelism: number;
  /** Worker threads running the tasks; 0: all on the main thread. */
  threads: number;
  /** The cores the whole process is pinned to during the run (a `taskset` list); unset: not pinned. */
  cores?: string;
}

/**
 * The runs of each query, the baseline first: one keyed task with the whole process pinned to one
 * core (one task on one core, what two tasks on two cores compare with), then the same unpinned
 * (V8's GC and compiler threads use part of the second core beside it).
 */
const RUNS: readonly Run[] = [
  { parallelism: 1, threads: 0, cores: '0' },
  { parallelism: 1, threads: 0 },
  { parallelism: 2, threads: 0 },
  // Both keyed tasks on one worker thread: what a thread costs without records crossing threads.
  { parallelism: 2, threads: 1 },
  { parallelism: 2, threads: 2 },
];
/** Worker threads start from one bundle of the job (`threads.bundle`) unless `NEXMARK_THREAD_BUNDLE=0`. */
export const BUNDLE = process.env.NEXMARK_THREAD_BUNDLE !== '0';
/** Records cross threads as bytes (`threads.records`) unless `NEXMARK_THREAD_RECORDS=clone`. */
export const RECORDS = process.env.NEXMARK_THREAD_RECORDS === 'clone' ? 'clone' : 'bytes';

const runId = (r: Run): string => `${r.parallelism}/${r.threads}${r.cores !== undefined ? '@1' : ''}`;

/**
 * The runs `NEXMARK_SCALING_RUNS` names, as `parallelism/threads` (`1/0@1`: one task pinned to one
 * core, `1/0`: unpinned, `2/2`: two threads); the baseline (one task on one core) always runs,
 * first. Unset: all of {@link RUNS}. `NEXMARK_SCALING_PIN=0` (no `taskset`, not Linux): the
 * baseline is the unpinned one-task run instead.
 */
export function selectedRuns(): readonly Run[] {
  const pin = process.env.NEXMARK_SCALING_PIN !== '0';
  const runs = pin ? RUNS : RUNS.filter((r) => r.cores === undefined);
  const wanted = process.env.NEXMARK_SCALING_RUNS?.split(',').map((r) => r.trim());
  if (wanted === undefined) return runs;
  return runs.filter((r, i) => i === 0 || wanted.includes(runId(r)));
}
export const label = (r: Run): string =>
  r.cores !== undefined
    ? `parallelism 1 on the main thread, the process pinned to 1 core`
    : `parallelism ${r.parallelism} on ${r.threads === 0 ? 'the main thread' : r.threads === 1 ? '1 worker thread' : `${r.threads} threads`}` +
      (r.threads > 0
        ? ` (${BUNDLE ? 'started from one bundle' : 'each compiling the job through tsx'}${r.threads > 1 ? `, records crossing ${RECORDS === 'bytes' ? 'as bytes' : 'by structured clone'}` : ''})`
        : '');

/** The baseline pins the process to one core (unless `NEXMARK_SCALING_PIN=0`). */
export const base1Pinned = (): boolean => selectedRuns()[0]?.cores !== undefined;

/** Times `fn` with the whole process pinned to `cores`, or unpinned when `cores` is unset. */
export const pinnedTo = <T>(cores: string | undefined, fn: () => Promise<T>): Promise<Timed<T>> =>
  cores === undefined ? timed(fn) : withProcessPinnedTo(cores, () => timed(fn));
