import { describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../api/stream-environment.js';
import { CheckpointError } from '../errors.js';
import type { Sink, SinkWriter } from '../sink/sink.js';
import { InMemorySource } from '../source/in-memory-source.js';
import type { Json } from '../types.js';
import { WatermarkStrategy } from '../watermarks/watermark-strategy.js';
import { taskFor } from './task-test-kit.js';

/** A two-phase sink whose commits wait until the test lets them through (or fail when told). */
class GatedSink implements Sink<number> {
  readonly name = 'gated';
  /** Checkpoint ids whose commit started, in order. */
  readonly started: number[] = [];
  /** Values committed, in commit order. */
  readonly committed: number[] = [];
  #gates: (() => void)[] = [];
  failNext: Error | undefined;
  /** Commits wait for `open()` unless false. */
  gated = true;

  createWriter(): SinkWriter<number> {
    let staged: number[] = [];
    return {
      write: (values) => {
        staged.push(...values);
      },
      prepareCommit: () => {
        const c = staged;
        staged = [];
        return c;
      },
      commit: async (committable: Json, checkpointId) => {
        this.started.push(checkpointId);
        if (this.gated) await new Promise<void>((resolve) => this.#gates.push(resolve));
        const failure = this.failNext;
        this.failNext = undefined;
        if (failure !== undefined) throw failure;
        this.committed.push(...(committable as number[]));
      },
    };
  }

  /** Lets every waiting commit through. */
  open(): void {
    for (const g of this.#gates.splice(0)) g();
  }
}

async function gatedTask(commitTimeoutMs?: number) {
  const sink = new GatedSink();
  const env = StreamEnvironment.create();
  const source = new InMemorySource<number>([{ id: 's', records: [1, 2], open: true }]);
  env.fromSource(source, WatermarkStrategy.noWatermarks<number>()).sinkTo(sink).uid('sink');
  const { task } = await taskFor(env.getJobGraph(), commitTimeoutMs === undefined ? {} : { commitTimeoutMs });
  await task.open();
  return { task, sink, source };
}

const tick = (ms = 5): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, ok: () => boolean): Promise<void> {
  for (const end = Date.now() + 10_000; !ok(); await tick())
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
}

/** A job whose periodic checkpoints' commits hang until the test opens the sink's gate. */
function gatedJob(commitBehind: boolean | undefined) {
  const sink = new GatedSink();
  const source = new InMemorySource<number>([{ id: 's', records: [1], open: true }]);
  const read: number[] = [];
  const env = StreamEnvironment.create();
  env
    .fromSource(source, WatermarkStrategy.noWatermarks<number>())
    .map((n) => {
      read.push(n);
      return n;
    })
    .sinkTo(sink)
    .uid('sink');
  const job = env.executeAsync({
    jobId: 'gated',
    checkpointIntervalMs: 20,
    idlePollDelayMs: 1,
    maxIdlePollDelayMs: 5,
    ...(commitBehind === undefined ? {} : { commitBehind }),
  });
  return { sink, source, read, job };
}

describe('sink commits behind the task', () => {
  it('lets the task read on while a checkpoint commits, and commits checkpoints in order', async () => {
    const { task, sink, source } = await gatedTask();
    await task.step();
    expect(await task.checkpoint('running', 'behind')).toBe(true);
    expect(sink.started).toEqual([1]);
    // The commit is still running, and the task reads what arrived meanwhile.
    source.push('s', 3);
    expect(await task.step()).toBe('progress');
    // The next checkpoint waits for the first commit before it prepares its own.
    let second = false;
    const next = task.checkpoint('running', 'behind').then((ok) => (second = ok));
    await tick();
    expect(second).toBe(false);
    expect(sink.started).toEqual([1]);
    sink.open();
    await next;
    expect(sink.committed).toEqual([1, 2]);
    expect(sink.started).toEqual([1, 2]);
    sink.gated = false;
    sink.open();
    await task.stop();
    expect(sink.committed).toEqual([1, 2, 3]);
    expect(task.status).toBe('STOPPED');
  });

  it('fails the task when a commit behind it failed, and commits that checkpoint again on stop', async () => {
    const { task, sink } = await gatedTask();
    await task.step();
    sink.failNext = new Error('table is locked');
    await task.checkpoint('running', 'behind');
    sink.open();
    await tick();
    await expect(task.step()).rejects.toThrow('table is locked');
    sink.gated = false;
    await task.stop();
    expect(sink.started).toEqual([1, 1, 2]);
    expect(sink.committed).toEqual([1, 2]);
  });

  it('refuses the next checkpoint with a clear error when a commit does not finish in time', async () => {
    const { task, sink } = await gatedTask(200);
    await task.step();
    await task.checkpoint('running', 'behind');
    const failed = await task.checkpoint('running', 'behind').catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(CheckpointError);
    expect(String(failed)).toMatch(/commit of checkpoint 1 did not finish within 200 ms.*commits it again/);
    expect(sink.started).toEqual([1]);
    // A task given up after that (failed, or stopping) does not wait for the same commit again.
    const started = Date.now();
    await task.quiesce();
    expect(Date.now() - started).toBeLessThan(150);
    sink.open();
  });

  it('releases a task without waiting longer than the commit timeout for a commit that hangs', async () => {
    const { task, sink } = await gatedTask(30);
    await task.step();
    await task.checkpoint('running', 'behind');
    const started = Date.now();
    await task.release();
    expect(task.status).toBe('RELEASED');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(sink.committed).toEqual([]);
    sink.open();
  });

  it('waits for a commit behind the task before a release closes its sinks', async () => {
    const { task, sink } = await gatedTask();
    await task.step();
    await task.checkpoint('running', 'behind');
    let released = false;
    const release = task.release().then(() => (released = true));
    await tick();
    expect(released).toBe(false);
    sink.open();
    await release;
    expect(sink.committed).toEqual([1, 2]);
  });

  it('keeps a job reading while a periodic commit runs with commitBehind, and holds it by default', async () => {
    for (const commitBehind of [true, undefined]) {
      const { sink, source, read, job } = gatedJob(commitBehind);
      await until('a periodic commit to start', () => sink.started.length > 0);
      source.push('s', 2);
      if (commitBehind === true) await until('the record pushed during the commit to be read', () => read.includes(2));
      else {
        await tick(200);
        expect(read).toEqual([1]);
      }
      sink.gated = false;
      sink.open();
      await until('the record to be read', () => read.includes(2));
      await job.stop();
      expect(sink.committed).toEqual([1, 2]);
    }
  });
});
