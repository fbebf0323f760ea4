import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalCheckpointStore } from '../../checkpoint/local-checkpoint-store.js';
import { CollectSink } from '../../sink/collect-sink.js';
import type { JobOptions } from '../../task/job-options.js';
import { readJsonFiles } from '../../testing/json-files-sink.js';
import { latestExchangeCheckpoint } from '../exchange-checkpoints.js';
import { keyedJob, keyedJobOn, unpartitioned, type KeyedJobArgs } from './threads.test-support.js';

const dirs: string[] = [];
async function tmp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'threads-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const module = new URL('./threads.test-support.ts', import.meta.url).href;

/** The job on `count` worker threads (or their loops on this thread), its sinks writing to `args.dir`. */
function onThreads(
  args: KeyedJobArgs,
  count: number,
  options: Omit<JobOptions, 'jobId' | 'threads'> & { jobId?: string },
  sameThread = false,
) {
  const { heartbeat: _, ...main } = args;
  return keyedJob(main).executeAsync({
    jobId: 'threads',
    parallelism: 2,
    checkpointIntervalMs: 0,
    ...options,
    threads: { count, job: { module, export: 'keyedJob', args: { ...args } }, sameThread },
  });
}

/** The answer of one task on this thread, every split read to the end. */
async function expected(splits: number, perSplit: number): Promise<string[]> {
  const sink = new CollectSink<string>();
  await keyedJobOn(unpartitioned(splits, perSplit), {}, sink, sink).execute({ jobId: 'one', tasks: 'single' });
  return sink.values.sort();
}

describe.each([
  { where: 'worker threads', sameThread: false },
  { where: 'their loops on this thread', sameThread: true },
])('keyBy exchange on $where', ({ sameThread }) => {
  it('gives the same answer as the tasks on one thread, from tasks on two threads', async () => {
    const dir = await tmp();
    const result = await onThreads({ splits: 3, perSplit: 400, dir }, 2, { maxBatchSize: 16 }, sameThread).done;
    expect(result.status).toBe('FINISHED');
    const written = await readJsonFiles<string>(dir);
    expect(written.map((w) => w.value).sort()).toEqual(await expected(3, 400));
    expect(written.length).toBeGreaterThan(100);
    // Both keyed tasks wrote, each from a worker thread of its own.
    const writers = new Set(written.map((w) => /^(keyed-1-\d)\.[^.]+\.t(\d+)\./.exec(w.file)!.slice(1, 3).join('@')));
    expect([...writers].sort()).toHaveLength(2);
    if (sameThread) return;
    expect(new Set([...writers].map((w) => w.split('@')[1])).size).toBe(2);
    expect([...writers].every((w) => w.split('@')[1] !== '0')).toBe(true);
  });

  it('stops with an aligned checkpoint across threads and resumes without losing or repeating output', async () => {
    const dir = await tmp();
    const checkpointStore = new LocalCheckpointStore(await tmp());
    const args = { splits: 2, perSplit: 600, dir };
    const first = onThreads(
      { ...args, upTo: 250, open: true },
      2,
      { checkpointStore, checkpointIntervalMs: 20 },
      sameThread,
    );
    while ((await latestExchangeCheckpoint(checkpointStore, 'threads')) === undefined)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await first.stop()).status).toBe('STOPPED');
    const stoppedAt = (await latestExchangeCheckpoint(checkpointStore, 'threads'))!.checkpointId;
    const before = (await readJsonFiles<string>(dir)).length;
    expect(before).toBeGreaterThan(0); // the first run committed output: the second must not repeat it
    // Resumed on one thread, the other way: the checkpoint does not depend on the threads.
    const second = await onThreads(args, 1, { checkpointStore }, !sameThread).done;
    expect(second.status).toBe('FINISHED');
    // It went on from the stop's checkpoint: one more checkpoint, the final one.
    expect((await latestExchangeCheckpoint(checkpointStore, 'threads'))!.checkpointId).toBe(stoppedAt + 1);
    expect((await readJsonFiles<string>(dir)).map((w) => w.value).sort()).toEqual(await expected(2, 600));
  });

  it('restarts every thread from the last complete checkpoint after a failure, committing each result once', async () => {
    const dir = await tmp();
    const crashOnce = join(await tmp(), 'crashed');
    const checkpointStore = new LocalCheckpointStore(await tmp());
    const args = { splits: 3, perSplit: 400, dir, crashOnce };
    const options = { checkpointStore, checkpointIntervalMs: 1, maxBatchSize: 8, restartBackoffMs: 1 };
    expect((await onThreads(args, 2, options, sameThread).done).status).toBe('FINISHED');
    expect(await stat(crashOnce)).toBeDefined(); // it did fail once
    expect((await readJsonFiles<string>(dir)).map((w) => w.value).sort()).toEqual(await expected(3, 400));
  });

  it('fails the job with the message of a user function that threw on a worker thread', async () => {
    const dir = await tmp();
    const checkpointStore = new LocalCheckpointStore(await tmp());
    await expect(
      onThreads(
        { splits: 2, perSplit: 200, dir, failOn: 'k5' },
        2,
        { checkpointStore, restartBackoffMs: 1 },
        sameThread,
      ).done,
    ).rejects.toThrow(/no records of k5 wanted/);
  });
});

describe('worker threads of an exchange job', () => {
  it('refuses a split that merges splits, whose parents may end on different threads', async () => {
    const dir = await tmp();
    await expect(onThreads({ splits: 2, perSplit: 50, dir, merge: true }, 2, {}, true).done).rejects.toThrow(
      /merges several splits .* Run this job without threads/,
    );
  });

  it('fails the job when a thread cannot build it from its module', async () => {
    const job = keyedJob({ splits: 1, perSplit: 10, dir: await tmp() });
    await expect(
      job.execute({ jobId: 'bad', parallelism: 2, threads: { count: 2, job: { module, export: 'nope' } } }),
    ).rejects.toThrow(/has no function export 'nope'/);
  });

  it('fails the job when a worker thread exits under it', async () => {
    const dir = await tmp();
    await expect(onThreads({ splits: 2, perSplit: 200, dir, exitOn: 'k5' }, 2, {}).done).rejects.toThrow(
      /worker thread \d of job 'threads' exited \(code 3\)/,
    );
  });

  it('ends its worker threads when stopped', async () => {
    const dir = await tmp();
    const heartbeat = join(dir, 'heartbeat');
    const job = onThreads({ splits: 2, perSplit: 100, dir, open: true, heartbeat }, 2, {});
    while ((await stat(heartbeat).catch(() => undefined)) === undefined)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await job.stop()).status).toBe('STOPPED');
    const size = (await stat(heartbeat)).size;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await stat(heartbeat)).size).toBe(size);
  });

  it('gives the same answer when its threads start from one bundle of the job, built when it starts', async () => {
    const dir = await tmp();
    const before = Date.now();
    // A bundle no job has written for two days: starting the job removes it.
    const bundleDir = join(tmpdir(), 'coattail-threads');
    const stale = join(bundleDir, `stale-${process.pid}-${before}.mjs`);
    await mkdir(bundleDir, { recursive: true });
    await writeFile(stale, 'export {};');
    await utimes(stale, new Date(before - 2 * 86_400_000), new Date(before - 2 * 86_400_000));
    const { heartbeat: _, ...main } = { splits: 3, perSplit: 400, dir, heartbeat: undefined };
    const result = await keyedJob(main).executeAsync({
      jobId: 'bundled',
      parallelism: 2,
      maxBatchSize: 16,
      threads: { count: 2, job: { module, export: 'keyedJob', args: { splits: 3, perSplit: 400, dir } }, bundle: true },
    }).done;
    expect(result.status).toBe('FINISHED');
    const written = await readJsonFiles<string>(dir);
    expect(written.map((w) => w.value).sort()).toEqual(await expected(3, 400));
    const bundles = await readdir(join(tmpdir(), 'coattail-threads'));
    const fresh = await Promise.all(
      bundles.map(async (b) => (await stat(join(tmpdir(), 'coattail-threads', b))).mtimeMs),
    );
    expect(fresh.some((mtime) => mtime >= before - 1_000)).toBe(true);
    expect(bundles).not.toContain(`stale-${process.pid}-${before}.mjs`);
  });

  it('fails the job when a thread started from a bundle cannot build it', async () => {
    const job = keyedJob({ splits: 1, perSplit: 10, dir: await tmp() });
    await expect(
      job.execute({
        jobId: 'bad',
        parallelism: 2,
        threads: { count: 2, job: { module, export: 'nope' }, bundle: true },
      }),
    ).rejects.toThrow(/has no function export 'nope'/);
  });

  it('gives the same answer with records crossing threads by structured clone', async () => {
    const dir = await tmp();
    const result = await keyedJob({ splits: 3, perSplit: 400, dir }).executeAsync({
      jobId: 'cloned',
      parallelism: 2,
      maxBatchSize: 16,
      threads: {
        count: 2,
        job: { module, export: 'keyedJob', args: { splits: 3, perSplit: 400, dir } },
        records: 'clone',
      },
    }).done;
    expect(result.status).toBe('FINISHED');
    expect((await readJsonFiles<string>(dir)).map((w) => w.value).sort()).toEqual(await expected(3, 400));
  });
});
