import { describe, expect, it } from 'vitest';
import { loaded, scriptedRegistry, testOrchestrator } from './helpers.js';
import { createLineageEmitter } from '../src/lineage/emitter.js';
import { runEventSchema } from '../src/lineage/openlineage-schema.js';
import { createMemoryTransport } from '../src/lineage/transports/memory-transport.js';
import { parsePartitionKey } from '../src/windows/partitions.js';
import type { GateEvaluator } from '../src/orchestrator/events.js';
import { lineageDatasetUri, lineageListener, lineageRunId } from '../src/orchestrator/lineage-listener.js';

const def = {
  pipeline: 'p',
  stages: [
    { id: 'load', type: 'scripted', outputs: ['file://out/'] },
    {
      id: 'check',
      type: 'scripted',
      dependsOn: ['load'],
      inputs: ['file://out/'],
      gates: [{ name: 'g', rules: [{ type: 'row_count' as const, min: 1 }] }],
    },
  ],
};

/** A gate evaluator that fails every check, as a broken `fail` gate does. */
const failing: GateEvaluator = {
  evaluate: ({ result }) =>
    Promise.resolve({
      passed: false,
      summary: 'g failed',
      checks: (result.outputs ?? []).map((o) => ({
        dataset: o.dataset,
        result: {
          gate: 'g',
          action: 'fail' as const,
          status: 'failed' as const,
          rowCount: 0,
          rules: [],
          reasons: ['no rows'],
          durationMs: 1,
        },
      })),
    }),
};

describe('lineage of orchestrated runs, event by event', () => {
  it('keeps one stage run across retries (heartbeats between), stamps the partition and records a failed gate', async () => {
    let attempts = 0;
    const { registry } = scriptedRegistry({
      load: () => (++attempts === 1 ? Promise.reject(new Error('flaky')) : Promise.resolve({})),
      check: () => Promise.resolve({ outputs: [{ dataset: 'file://out/', files: ['x.parquet'], rows: 0 }] }),
    });
    const memory = createMemoryTransport();
    const { orchestrator } = await testOrchestrator(registry, {
      gates: failing,
      listeners: [lineageListener(createLineageEmitter({ transport: memory }))],
    });
    const withRetries = { ...def, defaults: { retries: 1 } };
    const summary = await orchestrator.run(loaded(withRetries, registry, '/data'), {
      partition: parsePartitionKey('2026-12-06'),
    });
    expect(summary.status).toBe('FAILED');
    for (const e of memory.events) expect(runEventSchema.safeParse(e).error).toBeUndefined();
    expect(memory.events.map((e) => `${e.job.name} ${e.eventType}`)).toEqual([
      'p START',
      'p.load START',
      'p.load RUNNING',
      'p.load COMPLETE',
      'p.check START',
      'p.check.gate.g START',
      'p.check.gate.g FAIL',
      'p.check FAIL',
      'p FAIL',
    ]);
    const facets = memory.events[0]?.run.facets as { nominalTime?: { nominalStartTime: string } };
    expect(facets.nominalTime?.nominalStartTime).toBe('2026-12-06T00:00:00.000Z');
    expect(memory.events[3]?.outputs?.[0]).toMatchObject({ namespace: 'file', name: '/data/out/' });
    expect(JSON.stringify(memory.events[7]?.run.facets)).toMatch(/quality gate failed: g failed/);
  });

  it('emits the same lineage when an outer engine runs the stages one task at a time (--stage)', async () => {
    const { registry } = scriptedRegistry({
      load: () => Promise.resolve({ outputs: [{ dataset: 'file://out/', rows: 3 }] }),
    });
    const memory = createMemoryTransport();
    // Each task is its own process in production: its own orchestrator and lineage listener, one run store.
    const first = await testOrchestrator(registry, {
      listeners: [lineageListener(createLineageEmitter({ transport: memory }))],
    });
    const plain = { ...def, stages: def.stages.map(({ gates: _, ...s }) => s) };
    const pipeline = loaded(plain, registry, '/data');
    expect((await first.orchestrator.runOneStage(pipeline, 'load', { runId: 'exec-7' })).status).toBe('SUCCEEDED');
    const { Orchestrator } = await import('../src/orchestrator/orchestrator.js');
    const second = new Orchestrator({
      store: first.store,
      registry,
      listeners: [lineageListener(createLineageEmitter({ transport: memory }))],
    });
    expect((await second.runOneStage(pipeline, 'check', { runId: 'exec-7' })).status).toBe('SUCCEEDED');
    for (const e of memory.events) expect(runEventSchema.safeParse(e).error).toBeUndefined();
    expect(memory.events.map((e) => `${e.job.name} ${e.eventType}`)).toEqual([
      'p START',
      'p.load START',
      'p.load COMPLETE',
      'p.check START',
      'p.check COMPLETE',
      'p COMPLETE',
    ]);
    const runId = lineageRunId('exec-7');
    expect(new Set(memory.events.filter((e) => e.job.name === 'p').map((e) => e.run.runId))).toEqual(new Set([runId]));
    for (const e of memory.events.filter((e) => e.job.name !== 'p'))
      expect(e.run.facets).toMatchObject({ parent: { run: { runId } } });
    expect(memory.events[2]?.outputs?.[0]).toMatchObject({ namespace: 'file', name: '/data/out/' });
    expect((await first.store.getRun('exec-7'))?.status).toBe('SUCCEEDED');
  });

  it('ends the run as failed, in lineage and the run store, when a stage task fails', async () => {
    const { registry } = scriptedRegistry({ load: () => Promise.reject(new Error('disk full')) });
    const memory = createMemoryTransport();
    const { orchestrator, store } = await testOrchestrator(registry, {
      listeners: [lineageListener(createLineageEmitter({ transport: memory }))],
    });
    const plain = { ...def, stages: def.stages.map(({ gates: _, ...s }) => s) };
    expect((await orchestrator.runOneStage(loaded(plain, registry, '/data'), 'load', { runId: 'exec-8' })).status).toBe(
      'FAILED',
    );
    expect(memory.events.map((e) => `${e.job.name} ${e.eventType}`)).toEqual([
      'p START',
      'p.load START',
      'p.load FAIL',
      'p FAIL',
    ]);
    expect(await store.getRun('exec-8')).toMatchObject({ status: 'FAILED', error: 'load: disk full' });
  });

  it('names datasets and runs the way lineage backends join them', () => {
    expect(lineageDatasetUri('file://out/x.parquet', '/data')).toBe('file:///data/out/x.parquet');
    expect(lineageDatasetUri('file:///abs/dir/', '/data')).toBe('file:///abs/dir/');
    expect(lineageDatasetUri('iceberg://coattail.t', '/data')).toBe('iceberg://coattail.t');
    const uuid = '0F6B2A8C-1D3E-4F5A-9B7C-8D9E0F1A2B3C';
    expect(lineageRunId(uuid)).toBe(uuid.toLowerCase());
    expect(lineageRunId('nightly-42')).toBe(lineageRunId('nightly-42'));
    expect(lineageRunId('nightly-42')).not.toBe(lineageRunId('nightly-43'));
  });
});
