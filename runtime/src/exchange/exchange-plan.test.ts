import { describe, expect, it } from 'vitest';
import type { AggregateFunction } from '../api/functions.js';
import { StreamEnvironment } from '../api/stream-environment.js';
import { JobDefinitionError } from '../errors.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCheckpointStore } from '../checkpoint/local-checkpoint-store.js';
import { CollectSink, TransactionalCollectSink } from '../sink/collect-sink.js';
import type { Sink } from '../sink/sink.js';
import { flaky } from '../testing/flaky-sink.js';
import { InMemorySource } from '../source/in-memory-source.js';
import type { JobOptions } from '../task/job-options.js';
import { WatermarkStrategy } from '../watermarks/watermark-strategy.js';
import { TumblingEventTimeWindows } from '../windows/window-assigners.js';
import { assertDistributable, planStages } from './exchange-plan.js';

interface Bid {
  auction: number;
  t: number;
}
const count: AggregateFunction<Bid, number, number> = {
  createAccumulator: () => 0,
  add: (_b, n) => n + 1,
  getResult: (n) => n,
  merge: (a, b) => a + b,
};

/** Nexmark q5's shape: bids per auction per window, then the hottest auction per window (a second keyBy). */
function hottest(sink: Sink<string>) {
  const env = StreamEnvironment.create();
  const bids = Array.from({ length: 3 }, (_, s) =>
    Array.from({ length: 300 }, (_, i) => ({ auction: (i * (s + 1)) % 17, t: i * 10 })),
  );
  env
    .fromSource(
      new InMemorySource(bids.map((records, i) => ({ id: `p${i}`, records }))),
      WatermarkStrategy.forBoundedOutOfOrderness<Bid>(0).withTimestampAssigner((b) => b.t),
    )
    .keyBy((b) => b.auction)
    .window(TumblingEventTimeWindows.of(500))
    .aggregate<number, number, { auction: number; start: number; n: number }>(count, (auction, ctx, [n], out) =>
      out.collect({ auction, start: ctx.window.start, n: n! }),
    )
    .keyBy((c) => c.start)
    .window(TumblingEventTimeWindows.of(500))
    .reduce(
      (a, b) => (b.n > a.n || (b.n === a.n && b.auction < a.auction) ? b : a),
      (start, _ctx, [best], out) => out.collect(`${start}: auction ${best!.auction} with ${best!.n}`),
    )
    .sinkTo(sink);
  return env;
}

describe('stages of an exchange job', () => {
  it('shuffles again at a second keyBy, with the same results as one task', async () => {
    const run = async (options: Omit<JobOptions, 'jobId'>) => {
      const sink = new CollectSink<string>();
      await hottest(sink).execute({ jobId: 'q5', checkpointIntervalMs: 0, ...options });
      return sink.values.sort();
    };
    expect(planStages(hottest(new CollectSink()).getJobGraph())).toHaveLength(3);
    const single = await run({ tasks: 'single' });
    expect(single).toHaveLength(6);
    expect(await run({ parallelism: 2, maxBatchSize: 7 })).toEqual(single);
  });

  it('forwards aligned barriers through every stage: a crash in the last one loses and repeats nothing', async () => {
    const expected = new CollectSink<string>();
    await hottest(expected).execute({ jobId: 'q5-single', tasks: 'single' });
    const dir = await mkdtemp(join(tmpdir(), 'stages-'));
    try {
      const results = new TransactionalCollectSink<string>();
      let committedBefore = 0;
      const sink = flaky(results, 3, () => (committedBefore = results.committed.length));
      await hottest(sink).execute({
        jobId: 'q5-crash',
        parallelism: 2,
        maxBatchSize: 7,
        checkpointStore: new LocalCheckpointStore(dir),
        checkpointIntervalMs: 1,
        restartBackoffMs: 1,
      });
      expect(sink.failed).toBe(true);
      expect(committedBefore).toBeGreaterThan(0); // a checkpoint completed through both exchanges before the crash
      expect([...results.committed].sort()).toEqual(expected.values.sort());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a union of a keyed result with a stream from before the keyBy', () => {
    const env = StreamEnvironment.create();
    const numbers = env.fromCollection([1, 2, 3]);
    const sums = numbers.keyBy((n) => n % 2).reduce((a, b) => a + b);
    sums.union(numbers).sinkTo(new CollectSink());
    expect(() => planStages(env.getJobGraph())).toThrow(/keyBy the other inputs too/);
  });

  it('refuses to spread a job over workers when a keyBy is not the source partition key, and says what to do', () => {
    const env = StreamEnvironment.create();
    const numbers = env.fromCollection([1, 2, 3]);
    numbers
      .keyBy((n) => n, { sourcePartitioned: true })
      .reduce((a, b) => a + b)
      .sinkTo(new CollectSink());
    expect(() => assertDistributable(env.getJobGraph(), 'ok')).not.toThrow();
    numbers
      .keyBy((n) => n % 2)
      .reduce((a, b) => a + b)
      .uid('parity')
      .sinkTo(new CollectSink());
    const refusal = (() => {
      try {
        assertDistributable(env.getJobGraph(), 'parity-job');
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(JobDefinitionError);
    expect((refusal as Error).message).toMatch(/job 'parity-job'.*'parity'.*not the key the source is partitioned by/);
    expect((refusal as Error).message).toMatch(
      /sourcePartitioned: true.*parallelism.*stream partitioned by the new key/,
    );
  });
});
