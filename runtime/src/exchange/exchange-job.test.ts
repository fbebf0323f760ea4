import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalCheckpointStore } from '../checkpoint/local-checkpoint-store.js';
import { CheckpointError } from '../errors.js';
import { InMemoryMetrics } from '../observability/metrics.js';
import { CollectSink, TransactionalCollectSink } from '../sink/collect-sink.js';
import type { JobOptions } from '../task/job-options.js';
import { flaky } from '../testing/flaky-sink.js';
import { latestExchangeCheckpoint, writeExchangeCheckpoint, type ExchangeCheckpoint } from './exchange-checkpoints.js';
import { taskOfKey } from './key-groups.js';
import { keyedJobFrom, keyedJobOn, keyedSource, unpartitioned, type Ev } from './threads/threads.test-support.js';

const dirs: string[] = [];
async function store(): Promise<LocalCheckpointStore> {
  const dir = await mkdtemp(join(tmpdir(), 'exchange-'));
  dirs.push(dir);
  return new LocalCheckpointStore(dir);
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function run(splits: Ev[][], options: Omit<JobOptions, 'jobId'>) {
  const windows = new CollectSink<string>();
  const counts = new CollectSink<string>();
  await keyedJobOn(splits, {}, windows, counts).execute({ jobId: 'exchange', checkpointIntervalMs: 0, ...options });
  return { windows, counts };
}

describe('keyBy with parallelism: a shuffle between tasks', () => {
  const splits = unpartitioned(3, 400);

  it('gives every key the result of a single-task run although no split is partitioned by key', async () => {
    const single = await run(splits, { tasks: 'single' });
    const shuffled = await run(splits, { parallelism: 2, maxBatchSize: 16 });
    expect(shuffled.windows.values.sort()).toEqual(single.windows.values.sort());
    expect(shuffled.counts.values.sort()).toEqual(single.counts.values.sort());
    expect(single.windows.values.length).toBeGreaterThan(100);
    // Fused per split instead, each key's sums would be split three ways: the shuffle is what makes it right.
    const perSplit = await run(splits, {});
    expect(perSplit.windows.values.sort()).not.toEqual(single.windows.values.sort());
  });

  it('sends each key to the one task owning its key group', async () => {
    const { windows } = await run(splits, { parallelism: 3 });
    const tasksOf = new Map<string, Set<string>>();
    for (const r of windows.records) {
      const key = r.value.split('@')[0]!;
      tasksOf.set(key, (tasksOf.get(key) ?? new Set()).add(r.taskId));
    }
    expect(new Set(windows.records.map((r) => r.taskId)).size).toBeGreaterThan(1);
    for (const [key, tasks] of tasksOf) expect([...tasks]).toEqual([`keyed-1-${taskOfKey(key, 3)}`]);
  });
});

describe('checkpoints across the exchange', () => {
  const splits = unpartitioned(3, 400);

  it('restarts every task from the last complete checkpoint and commits each result once', async () => {
    const expected = await run(splits, { tasks: 'single' });
    const checkpointStore = await store();
    const read: string[] = [];
    const recording = Object.assign(Object.create(checkpointStore) as LocalCheckpointStore, {
      get: (key: string) => (read.push(key), checkpointStore.get(key)),
    });
    const windows = new TransactionalCollectSink<string>();
    const counts = new TransactionalCollectSink<string>();
    const failing = flaky(windows, 40);
    await keyedJobOn(splits, {}, failing, counts).execute({
      jobId: 'crash',
      parallelism: 2,
      maxBatchSize: 8,
      checkpointStore: recording,
      checkpointIntervalMs: 1,
      restartBackoffMs: 1,
    });
    expect(failing.failed).toBe(true);
    expect(read.some((k) => /_exchange\/chk-\d+\.json$/.test(k))).toBe(true); // restored from a checkpoint, not the start
    expect([...windows.committed].sort()).toEqual(expected.windows.values.sort());
    expect([...counts.committed].sort()).toEqual(expected.counts.values.sort());
  });

  it('stops with an aligned checkpoint and resumes with another parallelism, keys moving by key group', async () => {
    const all = unpartitioned(2, 600);
    const expected = await run(all, { tasks: 'single' });
    const source = keyedSource(all, { upTo: 250, open: true });
    const checkpointStore = await store();
    const windows = new TransactionalCollectSink<string>();
    const counts = new TransactionalCollectSink<string>();
    const build = () => keyedJobFrom(source, {}, windows, counts);
    const first = build().executeAsync({ jobId: 'rescale', parallelism: 2, checkpointStore, checkpointIntervalMs: 0 });
    while ((source.polls.get('s1') ?? 0) < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await first.stop()).status).toBe('STOPPED');
    expect((await latestExchangeCheckpoint(checkpointStore, 'rescale'))?.parallelism).toBe(2);
    all.forEach((records, i) => (source.push(`s${i}`, ...records.slice(250)), source.close(`s${i}`)));
    const second = await build().execute({
      jobId: 'rescale',
      parallelism: 3,
      checkpointStore,
      checkpointIntervalMs: 0,
    });
    expect(second.status).toBe('FINISHED');
    expect([...windows.committed].sort()).toEqual(expected.windows.values.sort());
    expect([...counts.committed].sort()).toEqual(expected.counts.values.sort());
    await expect(
      build().execute({ jobId: 'rescale', parallelism: 3, maxParallelism: 64, checkpointStore }),
    ).rejects.toThrow(/key groups/);
  });

  it('starts a finished job again without emitting or committing anything twice', async () => {
    const checkpointStore = await store();
    const windows = new TransactionalCollectSink<string>();
    const counts = new TransactionalCollectSink<string>();
    const metrics = new InMemoryMetrics();
    const options = { jobId: 'finished', parallelism: 2, checkpointStore, checkpointIntervalMs: 0, metrics };
    expect((await keyedJobOn(splits, {}, windows, counts).execute(options)).status).toBe('FINISHED');
    // The job's state size and checkpoint duration, summed over its tasks, as benchmarks report them.
    expect(metrics.total('checkpointsCompleted', { task: 'exchange' })).toBe(1);
    expect(metrics.gaugeValue('checkpointBytes', { task: 'exchange' })).toBeGreaterThan(1_000);
    expect(metrics.gaugeValue('checkpointDurationMs', { task: 'exchange' })).toBeGreaterThanOrEqual(0);
    const first = [[...windows.committed], [...counts.committed]];
    expect(first[0]!.length).toBeGreaterThan(0);
    expect((await keyedJobOn(splits, {}, windows, counts).execute(options)).status).toBe('FINISHED');
    expect([windows.committed, counts.committed]).toEqual(first);
  });
});

const marker: ExchangeCheckpoint = {
  checkpointId: 7,
  parallelism: 2,
  maxParallelism: 128,
  sourceTasks: ['source-0'],
  stages: 1,
  createdAt: 1_700_000_000_000,
};
const KEY = 'job/_exchange/chk-0000000007.json';

async function caught(promise: Promise<unknown>): Promise<CheckpointError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CheckpointError);
  return error as CheckpointError;
}

describe('the marker of a complete exchange checkpoint', () => {
  it('reads back the newest marker as written', async () => {
    const s = await store();
    await writeExchangeCheckpoint(s, 'job', { ...marker, checkpointId: 6 }, 3);
    await writeExchangeCheckpoint(s, 'job', marker, 3);
    expect(await latestExchangeCheckpoint(s, 'job')).toEqual(marker);
  });

  it('fails naming the key when the marker is not JSON, and does not ask for a retry', async () => {
    const s = await store();
    await s.put(KEY, Buffer.from('{"checkpointId": 7, "paral'));
    const error = await caught(latestExchangeCheckpoint(s, 'job'));
    expect(error.message).toContain(`'${KEY}'`);
    expect(error.message).toMatch(/corrupt \(not JSON\)/);
    expect(error.retryable).toBe(false);
  });

  it('fails naming the key and each wrong field when the marker has another shape', async () => {
    const s = await store();
    const { stages: _dropped, ...withoutStages } = marker;
    await s.put(KEY, Buffer.from(JSON.stringify({ ...withoutStages, parallelism: 'two' })));
    const error = await caught(latestExchangeCheckpoint(s, 'job'));
    expect(error.message).toContain(`'${KEY}'`);
    expect(error.message).toMatch(/parallelism: .*number/);
    expect(error.message).toMatch(/stages: /);
  });

  it('fails a job restoring from a corrupt marker instead of restoring from a guess', async () => {
    const checkpointStore = await store();
    await checkpointStore.put(KEY, Buffer.from('null'));
    const sink = new CollectSink<string>();
    await expect(
      keyedJobOn(unpartitioned(2, 20), {}, sink, sink).execute({
        jobId: 'job',
        parallelism: 2,
        checkpointStore,
        restartBackoffMs: 1,
      }),
    ).rejects.toThrow(/checkpoint marker '.*chk-0000000007\.json' is corrupt/);
    expect(sink.values).toEqual([]);
  });
});
