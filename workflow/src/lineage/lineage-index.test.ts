import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GateResult } from '../gates/gate-result.js';
import { createLineageEmitter } from './emitter.js';
import { LineageError } from './errors.js';
import { LineageIndex } from './lineage-index.js';
import { createJsonlTransport } from './transports/jsonl-transport.js';

let dir: string;
let store: string;

const PAGES = 'https://api.binance.com/api/v3/aggTrades';
const runEvent = {
  eventTime: '2026-01-01T00:00:00Z',
  producer: 'https://example.com/p',
  schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
  run: { runId: '11111111-1111-4111-8111-111111111111' },
  job: { namespace: 'coattail', name: 'x' },
};
const gate: GateResult = { gate: 'g', action: 'fail', status: 'passed', rowCount: 1, rules: [], durationMs: 0 };

/** The daily chain: load pages → raw trades → anomalies → reprocessed anomalies, plus a recon report. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coattail-lineage-'));
  store = join(dir, 'lineage', 'events.jsonl');
  const emitter = createLineageEmitter({ transport: createJsonlTransport({ path: store }) });
  const run = await emitter.runStarted({ pipeline: 'daily' });
  const stage = async (
    name: string,
    inputs: string[],
    outputs: { uri: string; snapshotId?: number }[],
    fail = false,
  ) => {
    const s = await emitter.stageStarted(run, { stage: name, inputs: inputs.map((uri) => ({ uri })), outputs });
    if (fail) await emitter.stageFailed(s, new Error('boom'));
    else await emitter.stageCompleted(s, { outputs });
    return s;
  };
  const load = await stage('load', [PAGES], [{ uri: 'iceberg://coattail.raw_trades', snapshotId: 1 }]);
  await emitter.gateEvaluated(load, 'iceberg://coattail.raw_trades', gate);
  await stage('detect', ['iceberg://coattail.raw_trades'], [{ uri: 'iceberg://coattail.anomalies', snapshotId: 7 }]);
  await stage(
    'reprocess',
    ['iceberg://coattail.anomalies', 'iceberg://coattail.raw_trades'],
    [{ uri: 'iceberg://coattail.anomalies_reprocessed', snapshotId: 9 }],
  );
  await stage(
    'reprocess-again',
    ['iceberg://coattail.anomalies'],
    [{ uri: 'iceberg://coattail.anomalies_reprocessed', snapshotId: 9 }],
  );
  await stage(
    'broken',
    ['iceberg://coattail.raw_trades'],
    [{ uri: 'iceberg://coattail.anomalies', snapshotId: 8 }],
    true,
  );
  await stage('notify', ['iceberg://coattail.anomalies_reprocessed'], []);
  await stage('recon', ['iceberg://coattail.raw_trades'], [{ uri: 'file:///reports/recon.csv' }]);
  await emitter.runCompleted(run);
  await emitter.close();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('lineage queries over the JSONL store', () => {
  it('traces a reprocessed dataset back to the exchange pages it came from', async () => {
    const index = await LineageIndex.fromJsonl(store);
    const up = index.upstream('iceberg://coattail.anomalies_reprocessed');
    expect(up.jobs.map((j) => j.name)).toEqual([
      'daily.reprocess',
      'daily.reprocess-again',
      'daily.detect',
      'daily.broken',
      'daily.load',
    ]);
    expect(up.datasets.map((d) => d.name)).toEqual(['coattail.anomalies', 'coattail.raw_trades', 'api/v3/aggTrades']);
    expect(index.upstream({ namespace: 'iceberg', name: 'coattail.anomalies_reprocessed' }, 1).datasets).toHaveLength(
      2,
    );
    expect(index.upstream(PAGES).jobs).toEqual([]);
  });

  it('finds everything derived from a dataset, without counting gate checks as consumers', async () => {
    const index = await LineageIndex.fromJsonl(store);
    const down = index.downstream('iceberg://coattail.raw_trades');
    expect(down.jobs.map((j) => j.name)).toEqual([
      'daily.detect',
      'daily.reprocess',
      'daily.broken',
      'daily.recon',
      'daily.reprocess-again',
      'daily.notify',
    ]);
    expect(down.datasets.map((d) => d.name)).toEqual([
      'coattail.anomalies',
      'coattail.anomalies_reprocessed',
      '/reports/recon.csv',
    ]);
    expect(down.jobs.some((j) => j.name.includes('.gate.'))).toBe(false);
    expect(index.downstream('file:///reports/recon.csv').jobs).toEqual([]);
    index.add({ ...runEvent, job: { namespace: 'coattail', name: 'bare' } });
    expect(index.downstream('iceberg://coattail.raw_trades').jobs).toHaveLength(down.jobs.length);
  });

  it('answers which completed runs produced an Iceberg snapshot', async () => {
    const index = await LineageIndex.fromJsonl(store);
    expect(index.runsProducingSnapshot('iceberg://coattail.anomalies_reprocessed', 9n).map((r) => r.job.name)).toEqual([
      'daily.reprocess',
      'daily.reprocess-again',
    ]);
    const [producer] = index.runsProducingSnapshot('iceberg://coattail.anomalies', 7);
    expect(producer?.job.name).toBe('daily.detect');
    expect(producer?.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(index.runsProducingSnapshot('iceberg://coattail.anomalies', '8')).toEqual([]);
    expect(index.snapshotRuns(7).map((s) => [s.dataset.name, s.runs.map((r) => r.job.name)])).toEqual([
      ['coattail.anomalies', ['daily.detect']],
    ]);
    expect(index.snapshotRuns('8')).toEqual([]);
  });

  it('refuses a store it cannot read correctly, naming the line', async () => {
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, '\n{"eventTime": 1}\n');
    await expect(LineageIndex.fromJsonl(bad)).rejects.toThrow(
      new RegExp(`${bad}:2 is not an OpenLineage RunEvent: eventTime`),
    );
    await writeFile(bad, '{oops\n');
    await expect(LineageIndex.fromJsonl(bad)).rejects.toThrow(`${bad}:1 is not JSON`);
    await expect(LineageIndex.fromJsonl(join(dir, 'missing.jsonl'))).rejects.toThrow(LineageError);
    await expect(LineageIndex.fromJsonl(join(dir, 'missing.jsonl'))).rejects.toThrow(
      /cannot read the lineage store .*ENOENT/,
    );
  });
});
