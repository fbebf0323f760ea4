import { describe, expect, it } from 'vitest';
import type { GateResult } from '../gates/gate-result.js';
import { createLineageEmitter, DEFAULT_PRODUCER } from './emitter.js';
import { OPENLINEAGE_SCHEMA_URL, runEventSchema, type RunEvent } from './openlineage-schema.js';
import { createMemoryTransport } from './transports/memory-transport.js';
import type { LineageTransport } from './transports/transport.js';

function setup() {
  const transport = createMemoryTransport();
  let ids = 0;
  let tick = Date.UTC(2026, 0, 2, 3, 0, 0);
  const emitter = createLineageEmitter({
    transport,
    producer: 'https://example.com/coattail/workflow',
    clock: () => new Date((tick += 1000)),
    newRunId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  });
  return { emitter, events: transport.events };
}

const passed: GateResult = {
  gate: 'trades_clean',
  action: 'warn',
  status: 'warned',
  reasons: ['not_null(price): 1 of 10 row(s) break'],
  rowCount: 10,
  durationMs: 1,
  rules: [
    {
      id: 'not_null(price)',
      type: 'not_null',
      scope: 'row',
      column: 'price',
      passed: false,
      failedCount: 1,
      totalCount: 10,
      expected: '',
      message: '',
    },
    {
      id: 'row_count',
      type: 'row_count',
      scope: 'table',
      passed: true,
      failedCount: 0,
      totalCount: 10,
      expected: '',
      message: '',
    },
    {
      id: 'not_null(x)',
      type: 'not_null',
      scope: 'row',
      column: 'x',
      passed: false,
      failedCount: 0,
      totalCount: 10,
      expected: '',
      message: '',
      error: 'missing',
    },
  ],
};

describe('lineage emitter', () => {
  it('emits a conforming START/RUNNING/COMPLETE chain with parent, nominal time, schema, statistics and snapshot', async () => {
    const { emitter, events } = setup();
    const run = await emitter.runStarted({
      pipeline: 'daily',
      nominalTime: { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-01-02T00:00:00Z') },
    });
    const stage = await emitter.stageStarted(run, {
      stage: 'load',
      inputs: [{ uri: 'https://api.binance.com/api/v3/klines', fields: [{ name: 'price', type: 'double' }] }],
      outputs: [{ uri: 'iceberg://coattail.raw_trades' }, { uri: 'file:///tmp/untouched.parquet' }],
    });
    await emitter.stageRunning(stage);
    await emitter.stageCompleted(stage, {
      outputs: [
        {
          uri: 'iceberg://coattail.raw_trades',
          fields: [{ name: 'price' }],
          rowCount: 10,
          bytes: 2048,
          fileCount: 1,
          snapshotId: 123456789012345678n,
          columnLineage: {
            price: [{ uri: 'https://api.binance.com/api/v3/klines', field: 'price' }],
            total: [{ uri: 'https://api.binance.com/api/v3/klines', field: 'price', aggregated: true }],
          },
        },
        { uri: 's3://lake/extra/', bytes: 5 },
        { uri: 's3://lake/rows-only/', rowCount: 3 },
      ],
    });
    await emitter.runCompleted(run);
    await emitter.flush(); // events reach the transport in the background

    expect(events.map((e) => `${e.eventType} ${e.job.name}`)).toEqual([
      'START daily',
      'START daily.load',
      'RUNNING daily.load',
      'COMPLETE daily.load',
      'COMPLETE daily',
    ]);
    for (const e of events)
      expect(e).toMatchObject({ schemaURL: OPENLINEAGE_SCHEMA_URL, producer: 'https://example.com/coattail/workflow' });
    const complete = events[3]!;
    expect(complete.run.facets?.parent).toMatchObject({
      run: { runId: run.runId },
      job: { namespace: 'coattail', name: 'daily' },
      root: { run: { runId: run.runId } },
    });
    expect(complete.run.facets?.nominalTime).toMatchObject({
      nominalStartTime: '2026-01-01T00:00:00.000Z',
      nominalEndTime: '2026-01-02T00:00:00.000Z',
    });
    expect(complete.inputs?.[0]).toMatchObject({
      namespace: 'https://api.binance.com',
      name: 'api/v3/klines',
      facets: {
        schema: { fields: [{ name: 'price', type: 'double' }] },
        dataSource: { uri: 'https://api.binance.com' },
      },
    });
    const [raw, untouched, extra, rowsOnly] = complete.outputs!;
    expect(rowsOnly!.outputFacets?.outputStatistics).not.toHaveProperty('size');
    expect(raw).toMatchObject({
      namespace: 'iceberg',
      name: 'coattail.raw_trades',
      facets: {
        version: { datasetVersion: '123456789012345678' },
        columnLineage: {
          fields: {
            total: { inputFields: [{ field: 'price', transformations: [{ type: 'DIRECT', subtype: 'AGGREGATION' }] }] },
          },
        },
      },
      outputFacets: { outputStatistics: { rowCount: 10, size: 2048, fileCount: 1 } },
    });
    expect(raw!.facets?.dataSource).not.toHaveProperty('uri');
    expect(untouched).not.toHaveProperty('outputFacets');
    expect(extra).toMatchObject({ outputFacets: { outputStatistics: { size: 5 } } });
    expect(extra!.outputFacets?.outputStatistics).not.toHaveProperty('rowCount');
    expect(events[0]!.run.facets).not.toHaveProperty('parent');
  });

  it('records failures and aborts with an error message facet', async () => {
    const { emitter, events } = setup();
    const run = await emitter.runStarted({ pipeline: 'p', runId: '11111111-1111-4111-8111-111111111111' });
    const stage = await emitter.stageStarted(run, {
      stage: 's',
      nominalTime: { start: new Date('2026-01-01T01:00:00Z') },
    });
    await emitter.stageFailed(stage, new Error('disk full'));
    await emitter.stageAborted(stage);
    await emitter.stageCompleted(stage);
    const stackless = Object.assign(new Error('no stack'), { stack: undefined });
    await emitter.runFailed(run, stackless);
    await emitter.runFailed(run, 'plain text');
    await emitter.runAborted(run);
    await emitter.flush();
    expect(events.map((e) => e.eventType)).toEqual([
      'START',
      'START',
      'FAIL',
      'ABORT',
      'COMPLETE',
      'FAIL',
      'FAIL',
      'ABORT',
    ]);
    expect(events[1]!.run.facets?.nominalTime).toMatchObject({ nominalStartTime: '2026-01-01T01:00:00.000Z' });
    expect(events[1]!.run.facets?.nominalTime).not.toHaveProperty('nominalEndTime');
    expect(events[2]!.run.facets?.errorMessage).toMatchObject({
      message: 'disk full',
      programmingLanguage: 'TypeScript',
    });
    expect(events[2]!.run.facets?.errorMessage?.stackTrace).toContain('disk full');
    expect(events[5]!.run.facets?.errorMessage).not.toHaveProperty('stackTrace');
    expect(events[6]!.run.facets?.errorMessage).toMatchObject({ message: 'plain text' });
    expect(run.runId).toBe('11111111-1111-4111-8111-111111111111');
  });

  it('reports a gate check as a child run of its stage with quality assertions and metrics', async () => {
    const { emitter, events } = setup();
    const run = await emitter.runStarted({ pipeline: 'p', nominalTime: { start: new Date('2026-01-01T00:00:00Z') } });
    const stage = await emitter.stageStarted(run, { stage: 's' });
    await emitter.gateEvaluated(stage, 'file:///out/trades.parquet', passed);
    await emitter.gateEvaluated(stage, 'file:///out/trades.parquet', { ...passed, action: 'fail', status: 'failed' });
    await emitter.flush();
    const checks = events.slice(2);
    expect(checks.map((e) => `${e.eventType} ${e.job.name}`)).toEqual([
      'START p.s.gate.trades_clean',
      'COMPLETE p.s.gate.trades_clean',
      'START p.s.gate.trades_clean',
      'FAIL p.s.gate.trades_clean',
    ]);
    expect(checks[1]!.run.facets?.parent).toMatchObject({
      run: { runId: stage.runId },
      root: { run: { runId: run.runId } },
    });
    expect(checks[1]!.job.facets?.jobType).toMatchObject({ jobType: 'QUALITY_GATE' });
    expect(checks[1]!.inputs?.[0]?.inputFacets).toMatchObject({
      dataQualityAssertions: {
        assertions: [
          { assertion: 'not_null(price)', success: false, column: 'price', severity: 'warn' },
          { assertion: 'row_count', success: true, severity: 'warn' },
          { assertion: 'not_null(x)', success: false },
        ],
      },
      dataQualityMetrics: { rowCount: 10, columnMetrics: { price: { nullCount: 1, count: 10 } } },
    });
    expect(checks[3]!.inputs?.[0]?.inputFacets?.dataQualityAssertions?.assertions[0]).toMatchObject({
      severity: 'error',
    });
    expect(checks[3]!.run.facets?.errorMessage?.message).toBe('not_null(price): 1 of 10 row(s) break');
  });

  it('does not hold the run up while the transport works, keeps the order, and waits only when too many events queue up', async () => {
    const taken: string[] = [];
    let open: () => void = () => undefined;
    let gate = new Promise<void>((resolve) => (open = resolve));
    const slow: LineageTransport = {
      emit: async (e) => {
        await gate;
        taken.push(`${e.job.name} ${e.eventType}`);
      },
      flush: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const emitter = createLineageEmitter({ transport: slow, maxPending: 2 });
    const run = await emitter.runStarted({ pipeline: 'p' }); // returns with its event still queued
    await emitter.stageStarted(run, { stage: 's' });
    let third = false;
    const waiting = emitter.runCompleted(run).then(() => (third = true));
    await new Promise((r) => setTimeout(r, 20));
    expect([taken, third]).toEqual([[], false]); // two queued: the third call waits
    open();
    gate = Promise.resolve();
    await waiting;
    await emitter.flush();
    expect(taken).toEqual(['p START', 'p.s START', 'p COMPLETE']);
  });

  it('reports a transport failure at flush, once, and still hands on the events after it', async () => {
    const taken: string[] = [];
    let fail = true;
    const flaky: LineageTransport = {
      emit: (e) => {
        if (fail) {
          fail = false;
          return Promise.reject(new Error('disk full'));
        }
        taken.push(String(e.eventType));
        return Promise.resolve();
      },
      flush: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const emitter = createLineageEmitter({ transport: flaky });
    const run = await emitter.runStarted({ pipeline: 'p' });
    await emitter.runCompleted(run);
    await expect(emitter.flush()).rejects.toThrow('disk full');
    await expect(emitter.close()).resolves.toBeUndefined();
    expect(taken).toEqual(['COMPLETE']);
  });

  it('stamps the default producer and passes flush and close to the transport', async () => {
    const transport = createMemoryTransport();
    const emitter = createLineageEmitter({ transport });
    const run = await emitter.runStarted({ pipeline: 'p' });
    await emitter.flush();
    await emitter.close();
    expect(transport.events[0]).toMatchObject({ producer: DEFAULT_PRODUCER, job: { namespace: 'coattail' } });
    expect(run.runId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('OpenLineage 2-0-2 RunEvent schema', () => {
  const valid = (): RunEvent => ({
    eventTime: '2026-01-01T00:00:00.000Z',
    producer: DEFAULT_PRODUCER,
    schemaURL: OPENLINEAGE_SCHEMA_URL,
    eventType: 'START',
    run: {
      runId: '11111111-1111-4111-8111-111111111111',
      facets: { custom: { _producer: DEFAULT_PRODUCER, _schemaURL: DEFAULT_PRODUCER, x: 1 } },
    },
    job: { namespace: 'n', name: 'j' },
  });

  it('accepts a minimal event with an unknown but well-formed facet', () => {
    expect(runEventSchema.safeParse(valid()).success).toBe(true);
  });

  it('rejects events that break the specification', () => {
    const broken: unknown[] = [
      { ...valid(), eventType: 'DONE' },
      { ...valid(), run: { runId: 'not-a-uuid' } },
      { ...valid(), eventTime: 'yesterday' },
      { ...valid(), run: { runId: '11111111-1111-4111-8111-111111111111', facets: { custom: { x: 1 } } } },
      {
        ...valid(),
        outputs: [
          {
            namespace: 'n',
            name: 'd',
            outputFacets: {
              outputStatistics: { _producer: DEFAULT_PRODUCER, _schemaURL: DEFAULT_PRODUCER, rowCount: 1.5 },
            },
          },
        ],
      },
      { ...valid(), producer: undefined },
    ];
    for (const event of broken) expect(runEventSchema.safeParse(event).success).toBe(false);
  });
});
