import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateGate } from '../src/gates/evaluate-gate.js';
import { createLineageEmitter } from '../src/lineage/emitter.js';
import { LineageIndex } from '../src/lineage/lineage-index.js';
import { runEventSchema, type RunEvent } from '../src/lineage/openlineage-schema.js';
import { createJsonlTransport } from '../src/lineage/transports/jsonl-transport.js';
import { createMemoryTransport } from '../src/lineage/transports/memory-transport.js';
import type { LineageTransport } from '../src/lineage/transports/transport.js';
import { duckDbGateEvaluator } from '../src/orchestrator/gate-adapter.js';
import { lineageListener, lineageRunId } from '../src/orchestrator/lineage-listener.js';
import { openDuck } from './duck.js';
import { loaded, scriptedRegistry, tempDir, testOrchestrator, untilAborted } from './helpers.js';

/** Both transports at once: memory for inspection, JSONL for the store the query API reads. */
function tee(a: LineageTransport, b: LineageTransport): LineageTransport {
  return {
    emit: async (e) => void (await Promise.all([a.emit(e), b.emit(e)])),
    flush: async () => void (await Promise.all([a.flush(), b.flush()])),
    close: async () => void (await Promise.all([a.close(), b.close()])),
  };
}

const definition = {
  pipeline: 'trades',
  stages: [
    { id: 'extract', type: 'scripted', inputs: ['s3://exchange/pages/'], outputs: ['file://out/extract.parquet'] },
    {
      id: 'clean',
      type: 'scripted',
      dependsOn: ['extract'],
      inputs: ['file://out/extract.parquet'],
      outputs: ['iceberg://coattail.trades'],
      gates: [
        { name: 'prices', action: 'warn' as const, rules: [{ type: 'bounds' as const, column: 'price', min: 0 }] },
      ],
    },
    {
      id: 'report',
      type: 'scripted',
      dependsOn: ['clean'],
      inputs: ['iceberg://coattail.trades'],
      outputs: ['postgres://db:5432/reporting/public.daily'],
    },
  ],
};

describe('lineage of orchestrated runs', () => {
  it('emits schema-valid OpenLineage events for a run, its stages and its gates, and answers upstream and downstream', async () => {
    const duck = await openDuck();
    const baseDir = await tempDir();
    const path = await duck.write('extract.parquet', `SELECT i AS id, 10.0 - i AS price FROM range(12) t(i)`);
    const { registry } = scriptedRegistry({
      extract: () =>
        Promise.resolve({ outputs: [{ dataset: 'file://out/extract.parquet', files: [path], rows: 12, bytes: 900 }] }),
      clean: () =>
        Promise.resolve({
          outputs: [
            {
              dataset: 'iceberg://coattail.trades',
              files: [path],
              snapshotId: '4242',
              columns: [{ name: 'price', type: 'double' }],
            },
          ],
        }),
    });
    const memory = createMemoryTransport();
    const store = join(baseDir, 'lineage', 'events.jsonl');
    const emitter = createLineageEmitter({ transport: tee(memory, createJsonlTransport({ path: store })) });
    const { orchestrator } = await testOrchestrator(registry, {
      gates: duckDbGateEvaluator(evaluateGate),
      listeners: [lineageListener(emitter)],
    });
    const summary = await orchestrator.run(loaded(definition, registry, baseDir));
    await duck.close();
    expect(summary.status).toBe('SUCCEEDED');

    for (const event of memory.events) expect(runEventSchema.safeParse(event).error).toBeUndefined();
    const lines = memory.events.map((e) => `${e.job.name} ${e.eventType}`);
    expect(lines[0]).toBe('trades START');
    expect(lines.at(-1)).toBe('trades COMPLETE');
    expect(lines).toEqual(
      expect.arrayContaining([
        'trades.extract START',
        'trades.extract COMPLETE',
        'trades.clean.gate.prices START',
        'trades.clean.gate.prices COMPLETE',
        'trades.report COMPLETE',
      ]),
    );
    const cleanDone = memory.events.find((e) => e.job.name === 'trades.clean' && e.eventType === 'COMPLETE')!;
    const facets = cleanDone.run.facets as { parent: { run: { runId: string } } };
    expect(facets.parent.run.runId).toBe(summary.runId);
    expect(cleanDone.outputs?.[0]?.facets).toMatchObject({ version: { datasetVersion: '4242' } });
    const gate = memory.events.find((e) => e.job.name === 'trades.clean.gate.prices' && e.eventType === 'COMPLETE');
    expect(JSON.stringify(gate?.inputs?.[0])).toMatch(/dataQualityAssertions/);

    const index = await LineageIndex.fromJsonl(store);
    expect(index.upstream('postgres://db:5432/reporting/public.daily').datasets).toEqual([
      { namespace: 'iceberg', name: 'coattail.trades' },
      { namespace: 'file', name: join(baseDir, 'out', 'extract.parquet') },
      { namespace: 's3://exchange', name: 'pages/' },
    ]);
    expect(index.downstream('s3://exchange/pages/').jobs.map((j) => j.name)).toEqual([
      'trades.extract',
      'trades.clean',
      'trades.report',
    ]);
    expect(index.runsProducingSnapshot('iceberg://coattail.trades', '4242')).toHaveLength(1);
  });

  it('records a failed stage with its error and the run as FAIL, and a cancelled run as ABORT', async () => {
    const { registry } = scriptedRegistry({
      extract: () => Promise.reject(new Error('exchange returned 500')),
    });
    const memory = createMemoryTransport();
    const { orchestrator } = await testOrchestrator(registry, {
      listeners: [lineageListener(createLineageEmitter({ transport: memory }))],
    });
    const failed = await orchestrator.run(loaded({ ...definition, stages: definition.stages.slice(0, 1) }, registry), {
      runId: 'nightly-42',
    });
    expect(failed.status).toBe('FAILED');
    const types = memory.events.map((e: RunEvent) => `${e.job.name} ${e.eventType}`);
    expect(types).toEqual(['trades START', 'trades.extract START', 'trades.extract FAIL', 'trades FAIL']);
    expect(JSON.stringify(memory.events[2]?.run.facets)).toMatch(/exchange returned 500/);
    expect(memory.events[0]?.run.runId).toBe(lineageRunId('nightly-42'));
    expect(lineageRunId('nightly-42')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const cancel = new AbortController();
    const slow = scriptedRegistry({
      extract: (ctx) => {
        ctx.progress('page 1');
        cancel.abort(new Error('SIGTERM'));
        return untilAborted(ctx.signal);
      },
    });
    const aborted = createMemoryTransport();
    const second = await testOrchestrator(slow.registry, {
      listeners: [lineageListener(createLineageEmitter({ transport: aborted }))],
    });
    const summary = await second.orchestrator.run(
      loaded({ ...definition, stages: definition.stages.slice(0, 1) }, slow.registry),
      { signal: cancel.signal },
    );
    expect(summary.status).toBe('ABORTED');
    expect(aborted.events.map((e) => `${e.job.name} ${e.eventType}`)).toEqual([
      'trades START',
      'trades.extract START',
      'trades.extract RUNNING',
      'trades.extract ABORT',
      'trades ABORT',
    ]);
  });
});
