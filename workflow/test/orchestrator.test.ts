import { describe, expect, it } from 'vitest';
import { WorkflowError, RunLockedError } from '../src/errors.js';
import { Orchestrator } from '../src/orchestrator/orchestrator.js';
import type { RunStore } from '../src/run-store/types.js';
import { progressPrinter } from '../src/orchestrator/progress.js';
import { loaded, scriptedRegistry, testOrchestrator, untilAborted } from './helpers.js';

const diamond = {
  pipeline: 'diamond',
  stages: [
    { id: 'a', type: 'scripted' },
    { id: 'b', type: 'scripted', dependsOn: ['a'] },
    { id: 'c', type: 'scripted', dependsOn: ['a'] },
    { id: 'd', type: 'scripted', dependsOn: ['b', 'c'] },
  ],
};

describe('orchestrator', () => {
  it('runs stages in dependency order and hands each its upstream results', async () => {
    const seen: string[][] = [];
    const { registry, calls } = scriptedRegistry({
      d: (ctx) => {
        seen.push([...ctx.upstream.keys()].sort());
        return Promise.resolve({ outputs: [{ dataset: 'file://out/', rows: 3 }] });
      },
    });
    const { orchestrator, store } = await testOrchestrator(registry);
    const summary = await orchestrator.run(loaded(diamond, registry));
    expect(summary.status).toBe('SUCCEEDED');
    expect(calls[0]).toBe('a#1');
    expect(calls[3]).toBe('d#1');
    expect(seen).toEqual([['b', 'c']]);
    expect(summary.outputs).toEqual([{ dataset: 'file://out/', rows: 3 }]);
    const stored = await store.getRun(summary.runId);
    expect(Object.values(stored?.stages ?? {}).map((s) => s.status)).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
      'SUCCEEDED',
      'SUCCEEDED',
    ]);
  });

  it('never runs more stages at once than the concurrency limit', async () => {
    const held: (() => void)[] = [];
    const wake: (() => void)[] = [];
    let peak = 0;
    const hold = () =>
      new Promise<void>((resolve) => {
        held.push(resolve);
        peak = Math.max(peak, held.length);
        wake.splice(0).forEach((w) => w());
      });
    const until = async (ready: () => boolean) => {
      while (!ready()) await new Promise<void>((r) => wake.push(r));
    };
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const { registry } = scriptedRegistry(Object.fromEntries(ids.map((id) => [id, hold])));
    // A run store answering in microtasks: every stage the orchestrator lets start reaches the
    // stage before the next macrotask, so a limit that is not kept shows as more than 2 held.
    const instant: RunStore = {
      location: 'memory',
      createRun: () => Promise.resolve(),
      getRun: () => Promise.resolve(undefined),
      listRuns: () => Promise.resolve([]),
      updateRun: () => Promise.resolve(),
      putStage: () => Promise.resolve(),
      getState: () => Promise.resolve(undefined),
      putState: () => Promise.resolve(),
      listState: () => Promise.resolve([]),
      tryLock: () => Promise.resolve({ release: () => Promise.resolve() }),
      close: () => Promise.resolve(),
    };
    const orchestrator = new Orchestrator({ store: instant, registry });
    const wide = { pipeline: 'wide', concurrency: 2, stages: ids.map((id) => ({ id, type: 'scripted' })) };
    const run = orchestrator.run(loaded(wide, registry));
    for (let remaining = ids.length; remaining > 0; remaining--) {
      await until(() => held.length === Math.min(2, remaining));
      await new Promise((r) => setImmediate(r));
      held.shift()?.();
    }
    expect((await run).status).toBe('SUCCEEDED');
    expect(peak).toBe(2);
  });

  it('retries a failing stage with exponential back-off and jitter, then succeeds', async () => {
    let n = 0;
    const { registry, calls } = scriptedRegistry({
      a: () => (++n < 3 ? Promise.reject(new Error('S3 503 SlowDown')) : Promise.resolve()),
    });
    const { orchestrator, delays, store } = await testOrchestrator(registry);
    const def = {
      pipeline: 'retry',
      stages: [{ id: 'a', type: 'scripted', retries: { attempts: 3, backoff: '1s', maxBackoff: '1m' } }],
    };
    const summary = await orchestrator.run(loaded(def, registry));
    expect(summary.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['a#1', 'a#2', 'a#3']);
    expect(delays).toEqual([500, 1000]); // random 0.5 × 1 s, × 2 s
    const attempts = (await store.getRun(summary.runId))?.stages.a?.attempts ?? [];
    expect(attempts.map((a) => [a.status, a.error])).toEqual([
      ['FAILED', 'S3 503 SlowDown'],
      ['FAILED', 'S3 503 SlowDown'],
      ['SUCCEEDED', undefined],
    ]);
  });

  it('does not retry a mistake in the stage configuration', async () => {
    const { registry, calls } = scriptedRegistry({
      a: () => Promise.reject(new WorkflowError('BAD_PARAM', 'param x missing', { domain: 'user' })),
    });
    const { orchestrator } = await testOrchestrator(registry);
    const summary = await orchestrator.run(
      loaded({ pipeline: 'p', stages: [{ id: 'a', type: 'scripted', retries: 5 }] }, registry),
    );
    expect(summary.status).toBe('FAILED');
    expect(calls).toEqual(['a#1']);
    expect(summary.stages.a?.reason).toBe('param x missing');
  });

  it('ends an attempt at its timeout and tells the stage through its signal', async () => {
    let told = false;
    const { registry } = scriptedRegistry({
      a: (ctx) => {
        ctx.signal.addEventListener('abort', () => (told = true));
        return new Promise(() => undefined); // a stage that never finishes
      },
    });
    const { orchestrator } = await testOrchestrator(registry);
    const summary = await orchestrator.run(
      loaded({ pipeline: 'p', stages: [{ id: 'a', type: 'scripted', timeout: 20, retries: 1 }] }, registry),
    );
    expect(summary.status).toBe('FAILED');
    expect(summary.stages.a?.attempts.map((a) => a.status)).toEqual(['TIMED_OUT', 'TIMED_OUT']);
    expect(summary.stages.a?.reason).toContain("stage 'a' did not finish within its timeout of 20 ms");
    expect(told).toBe(true);
  });

  it('stops starting stages after a failure under the stop policy', async () => {
    const { registry, calls } = scriptedRegistry({ b: () => Promise.reject(new Error('boom')) });
    const { orchestrator } = await testOrchestrator(registry);
    const def = {
      pipeline: 'p',
      concurrency: 1,
      stages: [
        { id: 'a', type: 'scripted' },
        { id: 'b', type: 'scripted' },
        { id: 'c', type: 'scripted' },
      ],
    };
    const summary = await orchestrator.run(loaded(def, registry));
    expect(calls).toEqual(['a#1', 'b#1']);
    expect(summary.status).toBe('FAILED');
    expect(summary.stages.c).toMatchObject({ status: 'NOT_RUN', reason: 'run stopped after a failure' });
  });

  it('continues independent branches under the continue policy and skips only what depends on the failure', async () => {
    const { registry, calls } = scriptedRegistry({ b: () => Promise.reject(new Error('boom')) });
    const { orchestrator } = await testOrchestrator(registry);
    const def = {
      pipeline: 'p',
      failurePolicy: 'continue' as const,
      stages: [...diamond.stages, { id: 'e', type: 'scripted', dependsOn: ['c'] }],
    };
    const summary = await orchestrator.run(loaded(def, registry));
    expect(calls.sort()).toEqual(['a#1', 'b#1', 'c#1', 'e#1']);
    expect(summary.stages.d).toMatchObject({ status: 'NOT_RUN', reason: "upstream stage 'b' did not succeed" });
    expect(summary.status).toBe('FAILED');
  });

  it('ends the run ABORTED when cancelled, and a resume skips the completed stages', async () => {
    const controller = new AbortController();
    const { registry, calls } = scriptedRegistry({
      b: (ctx) =>
        ctx.attempt === 1 ? (controller.abort(new Error('SIGTERM')), untilAborted(ctx.signal)) : Promise.resolve(),
    });
    const { orchestrator, store } = await testOrchestrator(registry);
    const summary = await orchestrator.run(loaded(diamond, registry), { signal: controller.signal });
    expect(summary.status).toBe('ABORTED');
    expect(summary.stages.b?.status).toBe('ABORTED');
    expect(summary.stages.d?.status).toBe('NOT_RUN');
    const resumed = await orchestrator.resume(summary.runId);
    expect(resumed.status).toBe('SUCCEEDED');
    expect(calls.filter((c) => c.startsWith('a'))).toEqual(['a#1']);
    expect(calls).toContain('b#2');
    expect((await store.getRun(summary.runId))?.status).toBe('SUCCEEDED');
    await expect(orchestrator.resume(summary.runId)).rejects.toThrow(/already succeeded/);
    await expect(orchestrator.resume('nope')).rejects.toThrow(/run nope is not in/);
  });

  it('refuses to start a pipeline partition another orchestrator is running', async () => {
    let release: () => void = () => undefined;
    const started = new Promise<void>((r) => (release = r));
    const { registry } = scriptedRegistry({ a: async () => (release(), await new Promise((r) => setTimeout(r, 50))) });
    const { orchestrator, store } = await testOrchestrator(registry);
    const def = loaded({ pipeline: 'p', stages: [{ id: 'a', type: 'scripted' }] }, registry);
    const first = orchestrator.run(def);
    await started;
    const second = new Orchestrator({
      store,
      registry,
    });
    await expect(second.run(def)).rejects.toBeInstanceOf(RunLockedError);
    await expect(second.run(def)).rejects.toThrow(/pipeline 'p' partition '\*' is already being run by run /);
    expect((await first).status).toBe('SUCCEEDED');
    expect((await second.run(def)).status).toBe('SUCCEEDED');
  });

  it('prints progress for people watching a run', async () => {
    let n = 0;
    const { registry } = scriptedRegistry({
      a: (ctx) => {
        ctx.progress('halfway', 0.5);
        return ++n === 1 ? Promise.reject(new Error('flaky')) : Promise.resolve({ summary: '10 rows' });
      },
    });
    const lines: string[] = [];
    const { orchestrator } = await testOrchestrator(registry, {
      listeners: [progressPrinter({ write: (t: string) => lines.push(t) }, () => 0)],
    });
    await orchestrator.run(loaded({ pipeline: 'p', stages: [{ id: 'a', type: 'scripted', retries: 1 }] }, registry), {
      runId: 'r1',
    });
    expect(lines.join('')).toBe(
      [
        '00:00:00 starting p run r1 (1 stages)',
        '00:00:00   > a (scripted)',
        '00:00:00     a: halfway 50%',
        '00:00:00   ! a attempt 1 failed (flaky); retrying in 0.5 s',
        '00:00:00   > a (scripted) attempt 2',
        '00:00:00     a: halfway 50%',
        '00:00:00   ✓ a SUCCEEDED in 0.0 s: 10 rows',
        '00:00:00 p run r1 SUCCEEDED in 0.0 s',
        '',
      ].join('\n'),
    );
  });

  it('keeps running when a listener throws', async () => {
    const { registry } = scriptedRegistry({});
    const { orchestrator } = await testOrchestrator(registry, {
      listeners: [() => Promise.reject(new Error('lineage endpoint down'))],
    });
    expect(
      (await orchestrator.run(loaded({ pipeline: 'p', stages: [{ id: 'a', type: 'scripted' }] }, registry))).status,
    ).toBe('SUCCEEDED');
  });

  it('runs single stages of one run for an outer engine, handing results downstream through the run store', async () => {
    const { registry, calls } = scriptedRegistry({
      b: (ctx) => Promise.resolve({ summary: `saw ${[...ctx.upstream.keys()].join(',')}` }),
    });
    const { orchestrator, store } = await testOrchestrator(registry);
    const def = loaded(diamond, registry);
    expect((await orchestrator.runOneStage(def, 'a', { runId: 'exec-1' })).status).toBe('SUCCEEDED');
    const [b, c] = await Promise.all([
      orchestrator.runOneStage(def, 'b', { runId: 'exec-1' }),
      orchestrator.runOneStage(def, 'c', { runId: 'exec-1' }),
    ]);
    expect([b.status, c.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(b.result).toMatchObject({ summary: 'saw a' });
    expect(calls.sort()).toEqual(['a#1', 'b#1', 'c#1']);
    expect(Object.values((await store.getRun('exec-1'))?.stages ?? {}).map((s) => s.status)).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
      'SUCCEEDED',
      'PENDING',
    ]);
    await expect(orchestrator.runOneStage(def, 'zz', { runId: 'exec-1' })).rejects.toThrow(/has no stage 'zz'/);
  });
});
