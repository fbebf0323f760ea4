import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AggregateFunction } from '../api/functions.js';
import { StreamEnvironment } from '../api/stream-environment.js';
import { LocalCheckpointStore } from '../checkpoint/local-checkpoint-store.js';
import { ManualClock } from '../clock.js';
import { JobDefinitionError, UserFunctionError } from '../errors.js';
import { InMemoryMetrics } from '../observability/metrics.js';
import { CollectSink, TransactionalCollectSink } from '../sink/collect-sink.js';
import type { Sink } from '../sink/sink.js';
import type { Source, SplitDescriptor } from '../source/source.js';
import { InMemorySource, type InMemorySplit } from '../source/in-memory-source.js';
import { WatermarkStrategy } from '../watermarks/watermark-strategy.js';
import { TumblingEventTimeWindows } from '../windows/window-assigners.js';
import { ValueStateDescriptor, type ValueState } from '../state/state-descriptors.js';

interface Ev {
  key: string;
  t: number;
}
const evs = (key: string, ...ts: number[]): Ev[] => ts.map((t) => ({ key, t }));
const count: AggregateFunction<Ev, number, number> = {
  createAccumulator: () => 0,
  add: (_e, n) => n + 1,
  getResult: (n) => n,
  merge: (a, b) => a + b,
};

/** Wraps a source to record the order in which splits deliver records. */
function recording<T>(inner: Source<T>, log: string[]): Source<T> {
  return {
    name: inner.name,
    listSplits: () => inner.listSplits(),
    createReader: (split, position) => {
      const reader = inner.createReader(split, position);
      return {
        poll: (max) => {
          const batch = reader.poll(max) as Awaited<ReturnType<typeof reader.poll>>;
          if (batch.records.length > 0) log.push(split.id);
          return batch;
        },
      };
    },
  };
}

function windowEnv(source: Source<Ev>, sink: Sink<string>) {
  const env = StreamEnvironment.create();
  env
    .fromSource(
      source,
      WatermarkStrategy.forBoundedOutOfOrderness<Ev>(0).withTimestampAssigner((e) => e.t),
    )
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(10_000))
    .aggregate(count, (key, ctx, [n], out) => out.collect(`${key}[${ctx.window.start}]=${n}`))
    .uid('counts')
    .sinkTo(sink)
    .uid('sink');
  return env;
}

const dirs: string[] = [];
async function store(): Promise<LocalCheckpointStore> {
  const dir = await mkdtemp(join(tmpdir(), 'job-'));
  dirs.push(dir);
  return new LocalCheckpointStore(dir);
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('runJob with a task per split', () => {
  // A shard split: the parent holds keys A and B; child c1 owns A, c2 owns B.
  const resharded = (): InMemorySplit<Ev>[] => [
    { id: 'p', records: [...evs('A', 1_000, 2_000), ...evs('B', 1_500)], children: ['c1', 'c2'] },
    { id: 'c1', records: evs('A', 3_000, 12_000), parents: ['p'] },
    { id: 'c2', records: evs('B', 4_000, 5_000), parents: ['p'] },
  ];
  const owner = (key: string | number, child: SplitDescriptor): boolean =>
    key === 'A' ? child.id === 'c1' : child.id === 'c2';

  it('drains the parent before its children and seeds each child with its own keys only', async () => {
    const log: string[] = [];
    const sink = new CollectSink<string>();
    const env = windowEnv(recording(new InMemorySource(resharded()), log), sink);
    const result = await env.execute({ jobId: 'reshard', stateKeyFilter: owner, maxBatchSize: 1 });
    expect(log.lastIndexOf('p')).toBeLessThan(log.indexOf('c1'));
    expect(log.lastIndexOf('p')).toBeLessThan(log.indexOf('c2'));
    // Window [0, 10 s) spans the reshard: the parent's records reach the child that owns the key, once.
    expect(sink.records.map((r) => `${r.taskId}:${r.value}`).sort()).toEqual([
      'c1:A[0]=3',
      'c1:A[10000]=1',
      'c2:B[0]=3',
    ]);
    expect(result.tasks.map((t) => [t.id, t.status]).sort()).toEqual([
      ['c1', 'FINISHED'],
      ['c2', 'FINISHED'],
      ['p', 'HANDED_OFF'],
    ]);
  });

  it('asks for a state key filter when a split ends with several children', async () => {
    const env = windowEnv(new InMemorySource(resharded()), new CollectSink());
    await expect(env.execute({ jobId: 'no-filter' })).rejects.toThrow(JobDefinitionError);
  });

  it('starts a merged child once both parents ended and gives it both parents\u2019 state', async () => {
    const sink = new CollectSink<string>();
    const env = windowEnv(
      new InMemorySource([
        { id: 'p1', records: evs('A', 1_000), children: ['m'] },
        { id: 'p2', records: evs('B', 2_000, 2_500, 2_600), children: ['m'] },
        { id: 'm', records: [...evs('A', 3_000), ...evs('B', 3_000)], parents: ['p1', 'p2'] },
      ]),
      sink,
    );
    await env.execute({ jobId: 'merge', maxBatchSize: 1 });
    expect(sink.values.sort()).toEqual(['A[0]=2', 'B[0]=4']);
  });

  it('resumes a stopped child from its own checkpoint after the reshard, not from the parents', async () => {
    const checkpointStore = await store();
    const sink = new TransactionalCollectSink<string>();
    const first = windowEnv(new InMemorySource(resharded()), sink).executeAsync({
      jobId: 'r',
      stateKeyFilter: owner,
      checkpointStore,
      maxBatchSize: 1,
    });
    await first.done;
    const again = await windowEnv(new InMemorySource(resharded()), sink).execute({
      jobId: 'r',
      stateKeyFilter: owner,
      checkpointStore,
    });
    expect(again.tasks.map((t) => t.status).sort()).toEqual(['FINISHED', 'FINISHED', 'HANDED_OFF']);
    expect([...sink.committed].sort()).toEqual(['A[0]=3', 'A[10000]=1', 'B[0]=3']);
  });
});

describe('runJob lifecycle', () => {
  it('stops on request with a checkpoint and resumes from it on the next run, without duplicates', async () => {
    const checkpointStore = await store();
    const sink = new TransactionalCollectSink<string>();
    const source = new InMemorySource([
      { id: 's', records: evs('A', ...Array.from({ length: 50 }, (_, i) => i * 1_000)), open: true },
    ]);
    const clock = new ManualClock();
    const job = windowEnv(source, sink).executeAsync({
      jobId: 'stop',
      checkpointStore,
      maxBatchSize: 10,
      clock,
      tasks: 'single',
    });
    while (sink.committed.length === 0 && (job.tasks().get('task-0')?.watermark ?? 0) < 45_000)
      await new Promise((r) => setImmediate(r));
    const stopped = await job.stop();
    expect(stopped.status).toBe('STOPPED');
    source.push('s', ...evs('A', 50_000, 61_000));
    source.close('s');
    const resumed = await windowEnv(source, sink).execute({
      jobId: 'stop',
      checkpointStore,
      maxBatchSize: 10,
      clock,
      tasks: 'single',
    });
    expect(resumed.status).toBe('FINISHED');
    expect(sink.committed).toEqual([
      'A[0]=10',
      'A[10000]=10',
      'A[20000]=10',
      'A[30000]=10',
      'A[40000]=10',
      'A[50000]=1',
      'A[60000]=1',
    ]);
  });

  it('restarts a failed task from its last checkpoint and still writes each result once', async () => {
    const checkpointStore = await store();
    const committed = new TransactionalCollectSink<string>();
    let failures = 1;
    const flaky: Sink<string> = {
      name: 'flaky',
      createWriter: (ctx) => {
        const inner = committed.createWriter(ctx);
        return {
          ...inner,
          write: (values, ts) => {
            if (values.some((v) => v.startsWith('A[30000]')) && failures-- > 0) throw new Error('sink down');
            return inner.write(values, ts);
          },
        };
      },
    };
    const metrics = new InMemoryMetrics();
    const source = new InMemorySource([
      { id: 's', records: evs('A', ...Array.from({ length: 60 }, (_, i) => i * 1_000)) },
    ]);
    const result = await windowEnv(source, flaky).execute({
      jobId: 'flaky',
      checkpointStore,
      checkpointIntervalMs: 1,
      maxBatchSize: 5,
      metrics,
      clock: new ManualClock(),
    });
    expect(result.status).toBe('FINISHED');
    expect(committed.committed).toEqual([
      'A[0]=10',
      'A[10000]=10',
      'A[20000]=10',
      'A[30000]=10',
      'A[40000]=10',
      'A[50000]=10',
    ]);
  });

  it('fails the job with the cause when restarts run out', async () => {
    const broken: Sink<string> = {
      name: 'broken',
      createWriter: () => ({ write: () => Promise.reject(new Error('disk full')) }),
    };
    const env = windowEnv(InMemorySource.of(evs('A', 1, 20_000)), broken);
    await expect(env.execute({ jobId: 'broken', restartAttempts: 0 })).rejects.toThrow(/disk full/);
  });

  it('fails at once without restarting when a user function throws, naming the operator', async () => {
    const checkpointStore = await store();
    let calls = 0;
    const env = StreamEnvironment.create();
    env
      .fromSource(InMemorySource.of(evs('A', 1, 2, 3)), WatermarkStrategy.noWatermarks<Ev>())
      .map((e) => {
        calls++;
        if (e.t === 2) throw new Error('bad price');
        return e.key;
      })
      .sinkTo(new CollectSink<string>());
    const error: unknown = await env
      .execute({ jobId: 'bug', checkpointStore, restartAttempts: 3, clock: new ManualClock() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserFunctionError);
    expect((error as UserFunctionError).retryable).toBe(false);
    expect((error as Error).message).toMatch(/operator 'map' threw: bad price/);
    expect(calls).toBe(2);
  });

  it('backs off before each restart, with delays under the doubling ceiling, then gives up', async () => {
    const checkpointStore = await store();
    const restarts: { delayMs: number; restart: number }[] = [];
    const logger = {
      child: () => logger,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: (o: object) => void ('delayMs' in o && restarts.push(o as { delayMs: number; restart: number })),
    };
    const broken: Sink<string> = {
      name: 'broken',
      createWriter: () => ({ write: () => Promise.reject(new Error('disk full')) }),
    };
    const clock = new ManualClock();
    const started = clock.now();
    const env = windowEnv(InMemorySource.of(evs('A', 1, 20_000)), broken);
    await expect(
      env.execute({ jobId: 'backoff', checkpointStore, restartAttempts: 3, restartBackoffMs: 1_000, clock, logger }),
    ).rejects.toThrow(/disk full/);
    expect(restarts.map((r) => r.restart)).toEqual([1, 2, 3]);
    restarts.forEach((r, i) => expect(r.delayMs).toBeLessThan(1_000 * 2 ** i));
    expect(clock.now() - started).toBeGreaterThanOrEqual(restarts.reduce((sum, r) => sum + r.delayMs, 0));
  });

  it('names what is missing from a job graph', () => {
    const env = StreamEnvironment.create();
    expect(() => env.getJobGraph()).toThrow(/no source/);
    env.fromCollection([1]).map((x) => x + 1);
    expect(() => env.getJobGraph()).toThrow(/Did you forget to call sinkTo/);
    const s = env.fromCollection([1]).uid('dup');
    expect(() => s.map((x) => x).uid('dup')).toThrow(/already used/);
  });
});

describe('user functions across tasks', () => {
  it('gives every task its own keyed process function when given a factory', async () => {
    const sink = new CollectSink<string>();
    const env = StreamEnvironment.create();
    env
      .fromSource(
        new InMemorySource([
          { id: 'a', records: evs('A', 1, 2, 3) },
          { id: 'b', records: evs('B', 1, 2) },
        ]),
        WatermarkStrategy.noWatermarks<Ev>(),
      )
      .keyBy((e) => e.key)
      .process<string>(() => {
        let n: ValueState<number>;
        return {
          open: (ctx) => void (n = ctx.getState(new ValueStateDescriptor<number>('n', 0))),
          processElement: (e, _ctx, out) => {
            n.update(n.value()! + 1);
            out.collect(`${e.key}${n.value()}`);
          },
        };
      })
      .sinkTo(sink);
    await env.execute({ jobId: 'factory' }); // one task per split
    expect(sink.values.sort()).toEqual(['A1', 'A2', 'A3', 'B1', 'B2']);
  });
});

describe('dynamic split assignment', () => {
  it('starts splits it comes to own and releases those it loses, without checkpointing them', async () => {
    const checkpointStore = await store();
    const owned = new Set(['a']);
    const sink = new CollectSink<string>();
    const source = new InMemorySource([
      { id: 'a', records: evs('A', 1, 2), open: true },
      { id: 'b', records: evs('B', 1, 2), open: true },
    ]);
    const env = StreamEnvironment.create();
    env
      .fromSource(source, WatermarkStrategy.noWatermarks<Ev>())
      .map((e) => `${e.key}${e.t}`)
      .sinkTo(sink);
    const job = env.executeAsync({
      jobId: 'leased',
      checkpointStore,
      checkpointIntervalMs: 10,
      splitFilter: (s) => owned.has(s.id),
      splitDiscoveryIntervalMs: 20,
      idlePollDelayMs: 5,
      maxIdlePollDelayMs: 10,
    });
    const until = async (ok: () => boolean): Promise<void> => {
      for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(ok()).toBe(true);
    };
    await until(() => sink.values.includes('A2'));
    expect(sink.values.some((v) => v.startsWith('B'))).toBe(false);

    owned.add('b'); // the lease of b came to us
    await until(() => sink.values.includes('B2'));

    owned.delete('a'); // the lease of a was taken
    await until(() => job.tasks().get('a')?.status === 'RELEASED');
    const checkpointsOfA = (await checkpointStore.list('leased/a/')).length;
    source.push('a', { key: 'A', t: 3 });
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.values).not.toContain('A3');
    expect((await checkpointStore.list('leased/a/')).length).toBe(checkpointsOfA);

    owned.add('a'); // back again: a new task resumes from a's last checkpoint
    await until(() => sink.values.includes('A3'));
    expect(sink.values.filter((v) => v === 'A1')).toHaveLength(1);
    expect((await job.stop()).status).toBe('STOPPED');
  });
});
