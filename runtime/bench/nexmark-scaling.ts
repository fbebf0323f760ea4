/**
 * Benchmark 3: the keyed Nexmark queries through the keyBy exchange, two generator splits (two
 * source tasks, the same events in every run), one after the other for each query in the same run:
 * - the baseline: one keyed task (`parallelism: 1`, every task on the main thread) with the whole
 *   process pinned to one core (`taskset -a`; threads it starts later inherit the pinning), that
 *   is one task on one core;
 * - the same unpinned (V8's GC and compiler threads then use part of the second core);
 * - two keyed tasks on the main thread (`parallelism: 2`);
 * - every task on one worker thread (`threads: 1`: what a thread costs, no record crossing threads);
 * - two keyed tasks on two worker threads (`parallelism: 2, threads: 2`: thread i runs source task
 *   i and keyed task i), unpinned: two tasks on two cores.
 * Scaling factor = events/s (wall) of a run ÷ the baseline's; each run's answer is checked against
 * the baseline's (same outputs, any order). Checkpoints every 10 s to S3 (s3rver, in a child
 * process that is never pinned), as in benchmark 2. The goal is ≥ 1.7× on two cores. CPU used =
 * process CPU time (every thread) ÷ wall time; CPU per event = process CPU time ÷ events (what a
 * loaded machine changes least); of which after the threads were ready = the CPU time from the
 * moment every thread had built its tasks, ÷ events (a thread ready before the others may already
 * have processed some events by then). The threads start from one bundle of the job built by
 * esbuild (`NEXMARK_THREAD_BUNDLE=0`: each loads it through tsx); esbuild runs in a process of its
 * own, whose CPU is not counted here. Records cross threads as bytes (`NEXMARK_THREAD_RECORDS=clone`:
 * by structured clone).
 * Run: `NEXMARK_EVENTS=15000000 node --import tsx --expose-gc bench/nexmark-scaling.ts`
 * (`NEXMARK_SCALING_QUERIES=q5,q8` for a subset of the queries, `NEXMARK_SCALING_RUNS=2/2` for the
 * baseline and two threads only; `NEXMARK_SCALING_PIN=0` where `taskset` is missing: the
 * baseline is then the unpinned one-task run).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../src/index.js';
import { readJsonFiles } from '../src/testing/index.js';
import { CollectSink, type CheckpointStore } from '../src/index.js';
import { envInt, gc, machineInfo, rate, table } from './measure.js';
import { runQuery, type QueryName } from './nexmark-queries.js';
import { BUNDLE, RECORDS, base1Pinned, label, pinnedTo, selectedRuns } from './nexmark-scaling-runs.js';
import { checkpointCells, checkpointRecorder, withS3Checkpoints, type CheckpointRecord } from './nexmark.js';

export interface ScalingFigure {
  query: QueryName;
  parallelism: number;
  /** Worker threads running the tasks; 0: all on the main thread. */
  threads: number;
  /** The cores the process was pinned to; unset: not pinned. */
  cores: string | undefined;
  /** Wall time until every thread had built the job and restored its tasks (in `wallMs`). */
  threadStartMs: number | undefined;
  /** Process CPU time until then (in `cpuMs`): starting the threads, before any event. */
  threadStartCpuMs: number | undefined;
  wallMs: number;
  cpuMs: number;
  outputs: number;
  /** Outputs equal (as a multiset) to the baseline's. */
  same: boolean;
  checkpoints: CheckpointRecord[];
}

const SCALED: readonly QueryName[] = ['q4', 'q5', 'q8'];

/** Orders outputs so runs with different task interleavings compare equal. */
const fingerprint = (values: readonly unknown[]): string =>
  values
    .map((v) => JSON.stringify(v))
    .sort()
    .join('\n');

export async function scalingBenchmark(
  events: number,
  eventSeconds: number,
  /** A fresh checkpoint store per run, so no run restores another's checkpoints. */
  storeFor: (run: string) => CheckpointStore,
): Promise<{ figures: ScalingFigure[]; markdown: string }> {
  const figures: ScalingFigure[] = [];
  const eventsPerSecond = events / eventSeconds;
  const queries = (process.env.NEXMARK_SCALING_QUERIES?.split(',') as QueryName[] | undefined) ?? SCALED;
  for (const query of queries) {
    let reference: string | undefined;
    for (const r of selectedRuns()) {
      const { parallelism, threads, cores } = r;
      gc();
      const sink = new CollectSink<unknown>();
      const recorder = checkpointRecorder();
      const dir = threads > 0 ? await mkdtemp(join(tmpdir(), 'nexmark-scaling-')) : undefined;
      let threadStartMs: number | undefined;
      let threadStartCpuMs: number | undefined;
      const cpuAtStart = process.cpuUsage();
      const logger: Logger = {
        child: () => logger,
        debug: () => undefined,
        info: (obj) => {
          if ('startMs' in obj && typeof obj.startMs === 'number') {
            threadStartMs = obj.startMs;
            const cpu = process.cpuUsage(cpuAtStart);
            threadStartCpuMs = (cpu.user + cpu.system) / 1000;
          }
        },
        warn: () => undefined,
        error: () => undefined,
      };
      const run = await pinnedTo(cores, () =>
        runQuery(query, events, sink, {
          eventsPerSecond,
          splits: 2,
          parallelism,
          ...(dir !== undefined ? { threads: { count: threads, dir, bundle: BUNDLE, records: RECORDS } } : {}),
          checkpointStore: storeFor(
            `scaling-${query}-p${parallelism}-t${threads}${cores !== undefined ? '-pinned' : ''}`,
          ),
          checkpointIntervalMs: 10_000,
          metrics: recorder.metrics,
          logger,
        }),
      );
      const values = dir !== undefined ? (await readJsonFiles<unknown>(dir)).map((r) => r.value) : sink.values;
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
      // q4 emits a changelog whose intermediate values depend on arrival order: compare the last per category.
      const print = fingerprint(query === 'q4' ? lastPerGroup(values) : values);
      reference ??= print;
      const figure = {
        query,
        parallelism,
        threads,
        cores,
        threadStartMs,
        threadStartCpuMs,
        wallMs: run.wallMs,
        cpuMs: run.cpuMs,
        outputs: values.length,
        same: print === reference,
        checkpoints: recorder.checkpoints(),
      };
      figures.push(figure);
      console.log(
        `[scaling] ${query} ${label(r)}: ${rate((events / run.wallMs) * 1000)} wall${threadStartMs !== undefined ? ` (threads ready after ${threadStartMs} ms)` : ''}, CPU ${(run.cpuMs / run.wallMs).toFixed(2)} cores, ${figure.outputs} outputs, checkpoints ${checkpointCells(figure).join(' / ')}${r !== selectedRuns()[0] ? (figure.same ? ', same answer as the baseline' : ', DIFFERENT answer from the baseline') : ''}; load ${loadavg()[0]!.toFixed(1)}`,
      );
    }
  }
  const rows = queries.flatMap((query) => {
    const mine = figures.filter((f) => f.query === query);
    const base = mine[0]!;
    const unpinned = mine.find((f) => f.parallelism === 1 && f.cores === undefined);
    return mine.map((f) => {
      return [
        query,
        label(f) +
          (f === base ? ' (baseline)' : '') +
          (f.threadStartMs !== undefined ? `, ready after ${(f.threadStartMs / 1000).toFixed(1)} s` : ''),
        rate((events / f.wallMs) * 1000),
        `${(base.wallMs / f.wallMs).toFixed(2)}×`,
        unpinned === undefined || base === unpinned ? '—' : `${(unpinned.wallMs / f.wallMs).toFixed(2)}×`,
        (f.cpuMs / f.wallMs).toFixed(2),
        ((f.cpuMs * 1000) / events).toFixed(2),
        f.threadStartCpuMs === undefined
          ? '—'
          : `${(((f.cpuMs - f.threadStartCpuMs) * 1000) / events).toFixed(2)} (start: ${(f.threadStartCpuMs / 1000).toFixed(1)} s)`,
        f === base ? '—' : f.same ? 'yes' : 'NO',
        checkpointCells(f)[1],
        checkpointCells(f)[2],
      ];
    });
  });
  const markdown = [
    `keyBy exchange: ${events.toLocaleString('en')} events per run over ${eventSeconds} s of event time; two generator splits (source tasks) into 1 or 2 keyed tasks, on the main thread or on 2 worker threads; the baseline is the first row (one keyed task, ${base1Pinned() ? 'the whole process pinned to 1 core' : 'not pinned'}), run first for each query; checkpoints every 10 s to S3 (s3rver in a child process). ${machineInfo()}, of which this process may run on ${availableParallelism()}; load average at the end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}.`,
    '',
    table(
      [
        'query',
        'tasks',
        'events/s',
        'scaling (÷ baseline)',
        '÷ 1 task unpinned',
        'CPU used (cores)',
        'CPU µs per event',
        'of which after the threads were ready',
        'same answer',
        'slowest checkpoint',
        'largest state',
      ],
      rows,
    ),
  ].join('\n');
  return { figures, markdown };
}

function lastPerGroup(values: readonly unknown[]): unknown[] {
  const last = new Map<number, unknown>();
  for (const v of values as { category: number; average: number }[])
    last.set(v.category, { category: v.category, average: v.average.toFixed(6) });
  return [...last.values()];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = await withS3Checkpoints((storeFor) =>
    scalingBenchmark(envInt('NEXMARK_EVENTS', 5_000_000), envInt('NEXMARK_EVENT_SECONDS', 20), storeFor),
  );
  console.log(`\n${report.markdown}`);
}
