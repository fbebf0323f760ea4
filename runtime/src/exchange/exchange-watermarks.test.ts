import { describe, expect, it } from 'vitest';
import type { AggregateFunction } from '../api/functions.js';
import { OutputTag } from '../api/output-tag.js';
import { StreamEnvironment } from '../api/stream-environment.js';
import { CollectSink } from '../sink/collect-sink.js';
import { InMemorySource, type InMemorySplit } from '../source/in-memory-source.js';
import type { JobOptions } from '../task/job-options.js';
import { WatermarkStrategy } from '../watermarks/watermark-strategy.js';
import { TumblingEventTimeWindows } from '../windows/window-assigners.js';

interface Ev {
  key: string;
  t: number;
}
const count: AggregateFunction<Ev, number, number> = {
  createAccumulator: () => 0,
  add: (_e, n) => n + 1,
  getResult: (n) => n,
  merge: (a, b) => a + b,
};

function windowJob(splits: InMemorySplit<Ev>[], idleMs?: number) {
  const env = StreamEnvironment.create();
  const late = new OutputTag<Ev>('late');
  const strategy = WatermarkStrategy.forBoundedOutOfOrderness<Ev>(0).withTimestampAssigner((e) => e.t);
  const source = new InMemorySource(splits);
  const windows = env
    .fromSource(source, idleMs === undefined ? strategy : strategy.withIdleness(idleMs))
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(1_000))
    .sideOutputLateData(late)
    .aggregate(count, (key, ctx, [n], out) => out.collect(`${key}@${ctx.window.start}=${n}`));
  const results = new CollectSink<string>();
  const lateRecords = new CollectSink<Ev>();
  windows.sinkTo(results);
  windows.getSideOutput(late).sinkTo(lateRecords);
  return { env, source, results, lateRecords };
}

describe('watermarks across the exchange', () => {
  // Split 'ahead' is 50 s of event time ahead of split 'behind'; both carry every key.
  const keys = ['a', 'b', 'c', 'd', 'e'];
  const splits = (): InMemorySplit<Ev>[] => [
    { id: 'ahead', records: Array.from({ length: 500 }, (_, i) => ({ key: keys[i % 5]!, t: 50_000 + i * 20 })) },
    { id: 'behind', records: Array.from({ length: 500 }, (_, i) => ({ key: keys[i % 5]!, t: i * 20 })) },
  ];
  const run = async (options: Omit<JobOptions, 'jobId'>) => {
    const job = windowJob(splits());
    await job.env.execute({ jobId: 'wm', checkpointIntervalMs: 0, ...options });
    return job;
  };

  it('holds each keyed task at the minimum over its input channels: the split behind makes no late records', async () => {
    const single = await run({ tasks: 'single' });
    const shuffled = await run({ parallelism: 2, maxBatchSize: 10 });
    expect(shuffled.lateRecords.values).toEqual([]);
    expect(shuffled.results.values.sort()).toEqual(single.results.values.sort());
    expect(shuffled.results.values).toHaveLength(2 * 10 * 5);
  });

  it('leaves an idle upstream task out of the minimum, so windows fire while one split is silent', async () => {
    const job = windowJob(
      [
        { id: 'busy', records: Array.from({ length: 200 }, (_, i) => ({ key: keys[i % 5]!, t: i * 20 })), open: true },
        { id: 'silent', records: [], open: true },
      ],
      30,
    );
    const client = job.env.executeAsync({ jobId: 'idle', parallelism: 2, checkpointIntervalMs: 0 });
    // The busy split keeps delivering (one record at 3 990 every 10 ms); the silent one never does.
    for (let i = 0; i < 400 && job.results.values.length < 15; i++) {
      job.source.push('busy', { key: 'a', t: 3_990 });
      await new Promise((r) => setTimeout(r, 10));
    }
    await client.stop();
    // The busy split's watermark (3 989) closed the first three windows of every key without the silent split.
    expect(job.results.values.sort()).toEqual(
      keys.flatMap((k) => [0, 1_000, 2_000].map((start) => `${k}@${start}=10`)).sort(),
    );
  });
});
