import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AggregateFunction } from '../api/functions.js';
import { StreamEnvironment } from '../api/stream-environment.js';
import { LocalCheckpointStore } from '../checkpoint/local-checkpoint-store.js';
import { IllegalStateError } from '../errors.js';
import { CollectSink } from '../sink/collect-sink.js';
import type { Sink } from '../sink/sink.js';
import { InMemorySource, type InMemorySplit } from '../source/in-memory-source.js';
import { WatermarkStrategy } from '../watermarks/watermark-strategy.js';
import { TumblingEventTimeWindows } from '../windows/window-assigners.js';
import { runToEnd, taskFor } from './task-test-kit.js';

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

function windowJob(splits: InMemorySplit<Ev>[], sink: Sink<string>, idleMs?: number) {
  const env = StreamEnvironment.create();
  let strategy = WatermarkStrategy.forBoundedOutOfOrderness<Ev>(0).withTimestampAssigner((e) => e.t);
  if (idleMs !== undefined) strategy = strategy.withIdleness(idleMs);
  const source = new InMemorySource(splits);
  env
    .fromSource(source, strategy)
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(10_000))
    .aggregate(count, (key, ctx, [n], out) => out.collect(`${key}[${ctx.window.start}]=${n}`))
    .uid('counts')
    .sinkTo(sink)
    .uid('sink');
  return { graph: env.getJobGraph(), source };
}

const evs = (key: string, ...ts: number[]): Ev[] => ts.map((t) => ({ key, t }));

describe('Task', () => {
  it('refuses to step before it is opened, naming its state', async () => {
    const { graph } = windowJob([{ id: 'a', records: [] }], new CollectSink());
    const { task } = await taskFor(graph);
    await expect(task.step()).rejects.toThrow(IllegalStateError);
    await expect(task.step()).rejects.toThrow(/it is CREATED.*call open\(\) first/);
  });

  it('fires every remaining window at the end of bounded input', async () => {
    const sink = new CollectSink<string>();
    const { graph } = windowJob([{ id: 'a', records: evs('A', 1, 2, 15_000) }], sink);
    const { task } = await taskFor(graph);
    await task.open();
    await runToEnd(task);
    expect(sink.values).toEqual(['A[0]=2', 'A[10000]=1']);
    expect(task.status).toBe('FINISHED');
  });

  it('does not let an idle split stall windows, and without idleness it would', async () => {
    for (const idle of [undefined, 1_000]) {
      const sink = new CollectSink<string>();
      const { graph, source } = windowJob(
        [
          { id: 'busy', records: [], open: true },
          { id: 'quiet', records: evs('Q', 500), open: true },
        ],
        sink,
        idle,
      );
      const { task, clock } = await taskFor(graph);
      await task.open();
      await task.step();
      for (let t = 1_000; t <= 30_000; t += 1_000) {
        source.push('busy', { key: 'B', t });
        clock.advance(500);
        await task.step();
      }
      if (idle === undefined) expect(sink.values).toEqual([]);
      else {
        expect(sink.values).toEqual(['Q[0]=1', 'B[0]=9', 'B[10000]=10', 'B[20000]=10']);
        // The quiet split speaks again: it counts towards the watermark once more.
        source.push('quiet', { key: 'Q', t: 31_000 });
        source.push('busy', { key: 'B', t: 45_000 });
        await task.step();
        expect(task.watermark).toBe(30_999);
      }
    }
  });

  it('starts children only after all their parents ended (single task)', async () => {
    const sink = new CollectSink<string>();
    const { graph, source } = windowJob(
      [
        { id: 'p1', records: evs('A', 1, 2, 3, 4, 5, 6), children: ['c'] },
        { id: 'p2', records: evs('B', 1, 2), children: ['c'] },
        { id: 'c', records: evs('A', 7, 8), parents: ['p1', 'p2'] },
      ],
      sink,
    );
    const { task } = await taskFor(graph, { maxBatchSize: 2 });
    await task.open();
    await task.step();
    await task.step();
    expect(source.polls.get('c')).toBeUndefined(); // p1 still has records
    await runToEnd(task);
    expect(source.polls.get('c')).toBeGreaterThan(0);
    expect(sink.values).toEqual(['A[0]=8', 'B[0]=2']);
  });

  it('waits for in-flight sink writes over budget before polling again (backpressure)', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const slow: Sink<string> = {
      name: 'slow',
      createWriter: () => ({
        write: async (values) => {
          inFlight += values.length;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((r) => setTimeout(r, 2));
          inFlight -= values.length;
        },
      }),
    };
    const env = StreamEnvironment.create();
    const records = Array.from({ length: 200 }, (_, i) => `r${i}`);
    env.fromCollection(records).sinkTo(slow);
    const { task } = await taskFor(env.getJobGraph(), { inFlightBudget: 10, maxBatchSize: 5 });
    await task.open();
    await runToEnd(task);
    expect(maxInFlight).toBeLessThanOrEqual(15);
    expect(maxInFlight).toBeGreaterThan(0);
  });

  it('counts records in and out per operator and reports checkpoints and watermark lag', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'task-'));
    const sink = new CollectSink<string>();
    const { graph } = windowJob([{ id: 'a', records: evs('A', 1, 2, 3, 4, 5, 6, 7, 20_000) }], sink);
    const { task, metrics, clock } = await taskFor(graph, { store: new LocalCheckpointStore(dir) });
    clock.set(50_000);
    await task.open();
    await runToEnd(task);
    expect(metrics.total('recordsIn', { operator: 'counts' })).toBe(8);
    expect(metrics.total('recordsOut', { operator: 'counts' })).toBe(2);
    expect(metrics.total('recordsIn', { operator: 'sink' })).toBe(2);
    expect(metrics.total('checkpointsCompleted')).toBe(1);
    expect(metrics.gaugeValue('checkpointBytes')).toBeGreaterThan(100);
    expect(metrics.gaugeValue('watermarkLagMs')).toBe(50_000 - 3); // after the first poll: max t=4, bound 0, so watermark 3
    await rm(dir, { recursive: true });
  });

  it('skips a checkpoint whose manifest is missing or whose state does not match it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'task-'));
    const store = new LocalCheckpointStore(dir);
    const sink = new CollectSink<string>();
    const { graph } = windowJob([{ id: 'a', records: evs('A', 1, 2, 3, 4, 5, 6, 7, 8), open: true }], sink);
    const first = await taskFor(graph, { store });
    await first.task.open();
    await first.task.step();
    expect(await first.task.checkpoint()).toBe(true); // chk 1 at position 4
    await first.task.step();
    expect(await first.task.checkpoint()).toBe(true); // chk 2 at position 8
    // Tamper: chk 2's state no longer matches its manifest; chk 3 has state but no manifest.
    const base = join(dir, 'job', 'task-0');
    await writeFile(join(base, 'chk-0000000002', 'state.json'), '{"tampered":true}');
    await writeFile(join(base, 'chk-0000000003-state.json'), '{}');
    const second = await taskFor(graph, { store });
    await second.task.open();
    expect(second.task.lastCheckpoint?.checkpointId).toBe(1);
    expect(second.task.lastCheckpoint?.splits[0]?.position).toBe(4);
    expect((await readdir(base)).filter((d) => d.startsWith('chk-')).length).toBeGreaterThanOrEqual(2);
    await rm(dir, { recursive: true });
  });
});
