/**
 * Benchmark 3: the keyed Nexmark queries through the keyBy exchange, two generator splits (two
 * source tasks, the same events in every run) into one keyed task (`parallelism: 1`) against two
 * keyed tasks (`parallelism: 2`), in the same run. Scaling factor = events/s (wall) with 2 ÷ with 1; each run's answer is checked
 * against the one-task run's (same outputs, any order). Checkpoints every 10 s to S3 (s3rver), as
 * in benchmark 2. The goal is ≥ 1.7× on two cores.
 * Run: `NEXMARK_EVENTS=5000000 node --import tsx --expose-gc bench/nexmark-scaling.ts`.
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { CollectSink, type CheckpointStore } from '../src/index.js';
import { envInt, gc, machineInfo, rate, table, timed } from './measure.js';
import { runQuery, type QueryName } from './nexmark-queries.js';
import { checkpointCells, checkpointRecorder, withS3Checkpoints, type CheckpointRecord } from './nexmark.js';

export interface ScalingFigure {
  query: QueryName;
  parallelism: number;
  wallMs: number;
  cpuMs: number;
  outputs: number;
  /** Outputs equal (as a multiset) to the `parallelism: 1` run's. */
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
  for (const query of SCALED) {
    let reference: string | undefined;
    for (const parallelism of [1, 2]) {
      gc();
      const sink = new CollectSink<unknown>();
      const recorder = checkpointRecorder();
      const run = await timed(() =>
        runQuery(query, events, sink, {
          eventsPerSecond,
          splits: 2,
          parallelism,
          checkpointStore: storeFor(`scaling-${query}-p${parallelism}`),
          checkpointIntervalMs: 10_000,
          metrics: recorder.metrics,
        }),
      );
      // q4 emits a changelog whose intermediate values depend on arrival order: compare the last per category.
      const print = fingerprint(query === 'q4' ? lastPerGroup(sink.values) : sink.values);
      reference ??= print;
      const figure = {
        query,
        parallelism,
        wallMs: run.wallMs,
        cpuMs: run.cpuMs,
        outputs: sink.values.length,
        same: print === reference,
        checkpoints: recorder.checkpoints(),
      };
      figures.push(figure);
      console.log(
        `[scaling] ${query} parallelism ${parallelism}: ${rate((events / run.wallMs) * 1000)} wall, CPU ${(run.cpuMs / run.wallMs).toFixed(2)} cores, ${figure.outputs} outputs, checkpoints ${checkpointCells(figure).join(' / ')}${parallelism > 1 ? (figure.same ? ', same answer as one task' : ', DIFFERENT answer from one task') : ''}; load ${loadavg()[0]!.toFixed(1)}`,
      );
    }
  }
  const rows = SCALED.map((query) => {
    const [one, two] = [1, 2].map((p) => figures.find((f) => f.query === query && f.parallelism === p)!);
    return [
      query,
      rate((events / one!.wallMs) * 1000),
      rate((events / two!.wallMs) * 1000),
      `${(one!.wallMs / two!.wallMs).toFixed(2)}×`,
      `${(one!.cpuMs / one!.wallMs).toFixed(2)} / ${(two!.cpuMs / two!.wallMs).toFixed(2)}`,
      two!.same ? 'yes' : 'NO',
      `${checkpointCells(one!)[1]} / ${checkpointCells(two!)[1]}`,
      `${checkpointCells(one!)[2]} / ${checkpointCells(two!)[2]}`,
    ];
  });
  const markdown = [
    `keyBy exchange: ${events.toLocaleString('en')} events per run over ${eventSeconds} s of event time; two generator splits (source tasks) into 1 or 2 keyed tasks; checkpoints every 10 s to S3 (s3rver in a child process). ${machineInfo()}; load average at the end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}.`,
    '',
    table(
      [
        'query',
        'parallelism 1 events/s (baseline)',
        'parallelism 2 events/s',
        'scaling',
        'CPU used (cores) 1 / 2',
        'same answer',
        'slowest checkpoint 1 / 2',
        'largest state 1 / 2',
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
