import { describe, expect, it } from 'vitest';
import type { RunRecord, RunStore } from '../src/run-store/types.js';

/** A run record with every field a store must keep. */
export function sampleRun(runId: string, pipeline = 'p', startedAt = new Date().toISOString()): RunRecord {
  return {
    runId,
    pipeline,
    partition: '*',
    status: 'RUNNING',
    startedAt,
    source: 'pipelines/p.yaml',
    baseDir: '/pipelines',
    definition: { pipeline, stages: [{ id: 'a', type: 'noop' }] },
    stages: { a: { status: 'PENDING', attempts: [] } },
  };
}

/** The behaviour every run store must show; run against the embedded and the PostgreSQL store. */
export function describeRunStoreContract(name: string, open: () => Promise<RunStore>): void {
  describe(`${name} run store contract`, () => {
    it('keeps runs, their stages and attempts, newest first', async () => {
      const store = await open();
      await store.createRun(sampleRun('r1', 'p', '2026-12-07T01:00:00.000Z'));
      await store.createRun(sampleRun('r2', 'p', '2026-12-07T02:00:00.000Z'));
      await store.createRun(sampleRun('r3', 'other', '2026-12-07T03:00:00.000Z'));
      await expect(store.createRun(sampleRun('r1'))).rejects.toThrow(/r1 already exists/);
      await Promise.all([
        store.putStage('r1', 'a', {
          status: 'SUCCEEDED',
          result: { summary: 'ok' },
          attempts: [{ attempt: 1, status: 'SUCCEEDED', startedAt: 't0', endedAt: 't1' }],
        }),
        store.putStage('r1', 'b', { status: 'FAILED', reason: 'boom', attempts: [] }),
      ]);
      await store.updateRun('r1', { status: 'FAILED', endedAt: '2026-12-07T01:05:00.000Z', error: 'b: boom' });
      const r1 = await store.getRun('r1');
      expect(r1).toMatchObject({ status: 'FAILED', error: 'b: boom', definition: { pipeline: 'p' } });
      expect(r1?.stages.a).toEqual({
        status: 'SUCCEEDED',
        result: { summary: 'ok' },
        attempts: [{ attempt: 1, status: 'SUCCEEDED', startedAt: 't0', endedAt: 't1' }],
      });
      expect(r1?.stages.b?.reason).toBe('boom');
      expect((await store.listRuns({ pipeline: 'p' })).map((r) => r.runId)).toEqual(['r2', 'r1']);
      expect((await store.listRuns({ limit: 1 })).map((r) => r.runId)).toEqual(['r3']);
      expect(await store.getRun('missing')).toBeUndefined();
      await expect(store.updateRun('missing', { status: 'FAILED' })).rejects.toThrow(/missing/);
      await store.close();
    });

    it('hands a stored stage result back as written, and refuses one of another shape naming the run and the field', async () => {
      const store = await open();
      await store.createRun(sampleRun('r1'));
      const result = {
        outputs: [{ dataset: 'file://out/', rows: 3, files: ['out/part-0.parquet'], format: 'parquet' as const }],
        summary: '3 rows',
        metrics: { rowsRead: 3 },
        // A key a stage added beyond StageResult is kept, since the record is written back as read.
        partitionsDone: ['2026-12-07'],
      };
      await store.putStage('r1', 'a', { status: 'SUCCEEDED', result, attempts: [] });
      expect((await store.getRun('r1'))?.stages.a?.result).toEqual(result);
      await store.createRun(sampleRun('r2'));
      // What downstream stages (a quality gate reading `files`) would otherwise get as a guess.
      const damaged = { outputs: [{ dataset: 'file://out/', files: 'out/part-0.parquet' }] };
      await store.putStage('r2', 'a', { status: 'SUCCEEDED', result: damaged as never, attempts: [] });
      await expect(store.getRun('r2')).rejects.toThrow(
        /r2.* is (not a run record|unreadable): stages\.a\.result\.outputs\.0\.files: /,
      );
      await store.close();
    });

    it('keeps state by pipeline and key and lists keys by prefix', async () => {
      const store = await open();
      await store.putState('p', 'incremental/a/s3://b/in/', { mode: 'content-hash', hash: 'h' });
      await store.putState('p', 'incremental/a/s3://b/in/', { mode: 'content-hash', hash: 'h2' });
      await store.putState('p', 'windows/a', { processed: ['2026-12-07'] });
      await store.putState('q', 'incremental/a/x', 1);
      expect(await store.getState('p', 'incremental/a/s3://b/in/')).toEqual({ mode: 'content-hash', hash: 'h2' });
      expect(await store.getState('p', 'nothing')).toBeUndefined();
      expect(await store.listState('p', 'incremental/')).toEqual(['incremental/a/s3://b/in/']);
      await store.close();
    });

    it('lets one owner hold a pipeline partition at a time', async () => {
      const store = await open();
      const first = await store.tryLock('p', '2026-12-07', 'run r1');
      expect('release' in first).toBe(true);
      const second = await store.tryLock('p', '2026-12-07', 'run r2');
      expect(second).toEqual({ heldBy: expect.stringContaining('run r1') as string });
      const other = await store.tryLock('p', '2026-12-08', 'run r3');
      expect('release' in other).toBe(true);
      if ('release' in first) await first.release();
      if ('release' in other) await other.release();
      const third = await store.tryLock('p', '2026-12-07', 'run r4');
      expect('release' in third).toBe(true);
      if ('release' in third) await third.release();
      await store.close();
    });
  });
}
