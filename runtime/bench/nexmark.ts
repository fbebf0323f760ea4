/**
 * Benchmark 2: Nexmark q0–q8 on our runtime, set up like Flink's published run: events generated
 * inside the source during the run (generator included, as Nexmark counts), event time spanning
 * more than 10 s so windows close during the run, and checkpoints ON every 10 s of processing
 * time to S3 (s3rver from @coattail/local-stack, in a child process), each query's checkpoint
 * duration and state size reported. Throughput per core = events ÷ CPU seconds of this process
 * (every thread, GC and the checkpoint uploads included; the emulator's own CPU not), which is Nexmark's events ÷ (cores × time),
 * printed beside Flink 1.13's published per-core figures. Before timing, each query's answer is
 * checked against a plain implementation on a small input.
 * Run: `NEXMARK_EVENTS=20000000 node --import tsx --expose-gc bench/nexmark.ts`.
 */
import { pathToFileURL } from 'node:url';
import { S3ObjectStore } from '@coattail/connectors';
import { CountingSink, type CheckpointStore, type Metrics } from '../src/index.js';
import { envInt, gc, mb, peakRss, rate, table, timed } from './measure.js';
import { verify } from './nexmark-expected.js';
import { NexmarkGenerator } from './nexmark-generator.js';
import { FLINK_PER_CORE, QUERIES, runQuery, type QueryName } from './nexmark-queries.js';
import { CHECKPOINT_BUCKET, startS3Process } from './s3-process.js';

export interface QueryFigure {
  query: QueryName;
  outputs: number;
  wallMs: number;
  cpuMs: number;
  eventsPerSec: number;
  perCore: number;
  /** Checkpoints taken, the final one included, with their durations and state sizes. */
  checkpoints: CheckpointRecord[];
}

export interface NexmarkReport {
  events: number;
  verified: string;
  figures: QueryFigure[];
  markdown: string;
}

export interface NexmarkSetup {
  /** Seconds of event time the events span (the generator's rate is events ÷ this). */
  eventSeconds: number;
  maxBatchSize: number;
  checkpointIntervalMs: number;
  checkpointStore: CheckpointStore;
  /** Where the checkpoints go, for the report. */
  storeName: string;
}

export interface CheckpointRecord {
  durationMs: number;
  bytes: number;
}

/**
 * Records every checkpoint's duration and size gauge of a job. An exchange job (`parallelism`)
 * reports whole-job checkpoints tagged `task: 'exchange'`; only those count when present.
 */
export function checkpointRecorder(): { metrics: Metrics; checkpoints: () => CheckpointRecord[] } {
  const perTask: CheckpointRecord[] = [];
  const job: CheckpointRecord[] = [];
  const bytes = new Map<string, number>();
  const metrics: Metrics = {
    counter: () => ({ inc: () => undefined }),
    gauge: (name, tags) => ({
      set: (value) => {
        const task = tags?.task ?? '';
        if (name === 'checkpointBytes') bytes.set(task, value);
        if (name === 'checkpointDurationMs')
          (task === 'exchange' ? job : perTask).push({ durationMs: value, bytes: bytes.get(task) ?? 0 });
      },
    }),
  };
  return { metrics, checkpoints: () => (job.length > 0 ? job : perTask) };
}

const ratio = (ours: number, flink: number | undefined): string =>
  flink === undefined ? 'n/a' : `${(ours / flink).toFixed(1)}×`;

/** Periodic checkpoints (+ the final one), the slowest one's duration, the largest state written. */
export function checkpointCells(f: Pick<QueryFigure, 'checkpoints'>): [string, string, string] {
  const slowest = Math.max(0, ...f.checkpoints.map((c) => c.durationMs));
  const largest = Math.max(0, ...f.checkpoints.map((c) => c.bytes));
  return [`${Math.max(0, f.checkpoints.length - 1)} + final`, `${slowest.toFixed(0)} ms`, mb(largest)];
}

function checkpointCell(f: QueryFigure): string {
  const [count, slowest, largest] = checkpointCells(f);
  return `${count}; slowest ${slowest}; largest ${largest}; final ${mb(f.checkpoints.at(-1)?.bytes ?? 0)}`;
}

export async function nexmarkBenchmark(events: number, setup: NexmarkSetup): Promise<NexmarkReport> {
  const log = (line: string): void => console.log(`[nexmark] ${line}`);
  const verified = await verify();
  log(verified);
  if (verified.startsWith('MISMATCH')) process.exitCode = 1;
  const eventsPerSecond = events / setup.eventSeconds;
  // The baseline: the generator alone, in a plain loop, over the same events.
  gc();
  const generatorOnly = await timed(() => {
    const gen = new NexmarkGenerator(1, eventsPerSecond);
    let bids = 0;
    for (let i = 0; i < events; i++) if (gen.next(i).type === 2) bids++;
    return bids;
  });
  const baselinePerCore = (events / generatorOnly.cpuMs) * 1000;
  log(
    `generator alone: ${rate((events / generatorOnly.wallMs) * 1000)} wall, ${rate(baselinePerCore)} per core (${generatorOnly.value} bids)`,
  );
  const only = (process.env.NEXMARK_QUERIES ?? '').split(',').filter((q) => q !== '');
  const figures: QueryFigure[] = [];
  for (const query of QUERIES.filter((q) => only.length === 0 || only.includes(q))) {
    gc();
    const sink = new CountingSink<unknown>();
    const recorder = checkpointRecorder();
    const run = await timed(() =>
      runQuery(query, events, sink, {
        eventsPerSecond,
        maxBatchSize: setup.maxBatchSize,
        checkpointStore: setup.checkpointStore,
        checkpointIntervalMs: setup.checkpointIntervalMs,
        metrics: recorder.metrics,
      }),
    );
    const figure: QueryFigure = {
      query,
      outputs: sink.count,
      wallMs: run.wallMs,
      cpuMs: run.cpuMs,
      eventsPerSec: (events / run.wallMs) * 1000,
      perCore: (events / run.cpuMs) * 1000,
      checkpoints: recorder.checkpoints(),
    };
    figures.push(figure);
    const flink = FLINK_PER_CORE[query];
    log(
      `${query}: ${rate(figure.perCore)} per core (Flink 1.13: ${flink === undefined ? 'not run' : rate(flink)}, ${ratio(figure.perCore, flink)}), ${rate(figure.eventsPerSec)} wall, ${sink.count} outputs; checkpoints: ${checkpointCell(figure)}; peak RSS so far ${mb(peakRss())}`,
    );
  }
  const markdown = [
    `Nexmark: ${events.toLocaleString('en')} events per query (persons:auctions:bids = 1:3:46) spanning ${setup.eventSeconds} s of event time (${rate(eventsPerSecond)} of event time), watermark 4 s behind, one task, maxBatchSize ${setup.maxBatchSize}, generator inside the source; checkpoints every ${setup.checkpointIntervalMs / 1000} s of processing time to ${setup.storeName}, plus the final one. State size = bytes of the checkpoint written.`,
    '',
    table(
      [
        'query',
        'ours per core (events ÷ CPU s)',
        'Flink 1.13 per core',
        'ours ÷ Flink',
        'ours events/s (wall)',
        'checkpoints',
        'slowest checkpoint',
        'largest state',
        'outputs',
      ],
      [
        [
          'generator alone (baseline)',
          rate(baselinePerCore),
          '',
          '',
          rate((events / generatorOnly.wallMs) * 1000),
          'none',
          '',
          '',
          `${generatorOnly.value.toLocaleString('en')} bids`,
        ],
        ...figures.map((f) => [
          f.query,
          rate(f.perCore),
          FLINK_PER_CORE[f.query] === undefined ? 'not run (FLINK-19059)' : rate(FLINK_PER_CORE[f.query]!),
          ratio(f.perCore, FLINK_PER_CORE[f.query]),
          rate(f.eventsPerSec),
          ...checkpointCells(f),
          f.outputs.toLocaleString('en'),
        ]),
      ],
    ),
    '',
    `- Correctness: ${verified}.`,
    `- Flink's figures: the "Throughput/Cores" column of the Benchmark Results in the github.com/nexmark/nexmark README (Flink 1.13, 8 TaskManagers × 1 slot on 8-core workers, RocksDB with incremental checkpoints, exactly-once every 3 min, 100 M events at 10 M events/s = 10 s of event time). Ours: one Node.js thread, heap state written whole at every checkpoint (JSON) to the S3 emulator, which runs in a child process: its CPU is not counted, as Flink's figures do not count the file system it checkpoints to.`,
  ].join('\n');
  return { events, verified, figures, markdown };
}

/** Starts the S3 emulator in a child process, gives `fn` checkpoint stores on it (one per prefix), and stops it. */
export async function withS3Checkpoints<T>(
  fn: (storeFor: (prefix: string) => CheckpointStore) => Promise<T>,
): Promise<T> {
  const s3 = await startS3Process();
  try {
    return await fn((prefix) => new S3ObjectStore({ client: s3.client, bucket: CHECKPOINT_BUCKET, prefix }));
  } finally {
    await s3.stop();
  }
}

/** Benchmark 2 with checkpoints on the S3 emulator. */
export function nexmarkOnS3(events: number, maxBatchSize: number): Promise<NexmarkReport> {
  return withS3Checkpoints((storeFor) =>
    nexmarkBenchmark(events, {
      eventSeconds: envInt('NEXMARK_EVENT_SECONDS', 20),
      maxBatchSize,
      checkpointIntervalMs: envInt('NEXMARK_CHECKPOINT_MS', 10_000),
      checkpointStore: storeFor('nexmark'),
      storeName: 'S3 (s3rver in a child process)',
    }),
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = await nexmarkOnS3(envInt('NEXMARK_EVENTS', 20_000_000), envInt('BENCH_BATCH', 4096));
  console.log(`\n${report.markdown}`);
}
