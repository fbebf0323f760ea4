import type { DlqEntry } from '@coattail/connectors';
import type { Row } from '@coattail/iceberg';
import { CollectSink, InMemorySource, ManualClock, type Sink } from '@coattail/runtime';
import { describe, expect, it } from 'vitest';
import type { AlertBase, JobTrade } from '../model/records.js';
import { trade } from '../test-trades.js';
import { buildJob, type JobName } from './build-job.js';
import { parseJobConfig } from './job-config.js';
import type { Envelope } from './quality-gate.js';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const envelope = (value: unknown, seq: number): Envelope => ({
  split: 'shard-0',
  seq: String(seq),
  arrival: NOW,
  payload: JSON.stringify(value),
  value,
});

async function run(name: JobName, envelopes: Envelope[]) {
  const alerts = new CollectSink<AlertBase>();
  const dlq = new CollectSink<DlqEntry>();
  const tables = new Map<string, Row[]>();
  const table = <T>(tableName: string, toRow: (v: T) => Row): Sink<T> => ({
    name: tableName,
    createWriter: () => ({
      write: (values) => void tables.set(tableName, [...(tables.get(tableName) ?? []), ...values.map(toRow)]),
    }),
  });
  const env = buildJob(name, parseJobConfig({}), {
    source: new InMemorySource([{ id: 'shard-0', records: envelopes }]),
    alerts: () => alerts,
    table,
    dlq: () => dlq,
    clock: new ManualClock(NOW),
  });
  // One record per poll: the watermark advances between records, as it would between Kinesis batches.
  await env.execute({ jobId: name, tasks: 'single', clock: new ManualClock(NOW), maxBatchSize: 1 });
  return { alerts: alerts.values, dlq: dlq.values, tables };
}

const t = (over: Partial<JobTrade> & { event_time: number }) => trade(over);

describe('assembled jobs', () => {
  it('routes undecodable and invalid records to the DLQ with the rules they failed, and keeps going', async () => {
    const bad: Envelope = {
      split: 'shard-0',
      seq: '2',
      arrival: NOW,
      payload: '{not json',
      error: 'Unexpected token n',
    };
    const { alerts, dlq } = await run('whale-detector', [
      envelope(t({ event_time: NOW - 1_000, price: 60_000, quantity: 1 }), 1),
      bad,
      envelope({ ...t({ event_time: NOW - 900 }), price: null }, 3),
      envelope(t({ event_time: NOW - 800, price: 60_000, quantity: 2 }), 4),
    ]);
    expect(dlq.map((d) => [d.sequenceNumber, d.reason, d.rulesFailed])).toEqual([
      ['2', 'parse_error', ['parse_error']],
      ['3', 'completeness_price', ['completeness_price', 'validity_price_positive']],
    ]);
    expect(dlq[1]).toMatchObject({ split: 'shard-0', severity: 'ERROR', eventTime: NOW - 900 });
    expect(alerts.map((a) => a.alert_type)).toEqual(['WHALE']);
  });

  it('writes volume aggregates to Iceberg rows with timestamps as dates, and late trades to the DLQ', async () => {
    const { tables, dlq } = await run('volume-anomaly', [
      envelope(t({ event_time: NOW - 120_000 }), 1),
      envelope(t({ event_time: NOW - 30_000 }), 2),
      envelope(t({ event_time: NOW - 125_000, event_id: 'late-trade' }), 3), // 90 s behind: past its window and the 5 s bound
    ]);
    const aggregates = tables.get('volume_aggregates')!;
    expect(aggregates).toHaveLength(2);
    expect(aggregates[0]).toMatchObject({
      symbol: 'BTC-USDT',
      exchange: 'binance',
      trade_count: 1,
      window_start: new Date(NOW - 120_000),
    });
    // Under the stream record that carried it (seq 3), not the trade's own id.
    expect(dlq.map((d) => [d.reason, d.sequenceNumber])).toEqual([['late', '3']]);
  });

  it('writes every spread to Iceberg and the flagged ones as alerts', async () => {
    const { tables, alerts } = await run('spread-calculator', [
      envelope(t({ event_time: NOW - 60_000, price: 100 }), 1),
      envelope(t({ event_time: NOW - 59_000, exchange: 'coinbase', price: 101 }), 2), // 1 %: flagged
      envelope(t({ event_time: NOW - 20_000, price: 100 }), 3),
      envelope(t({ event_time: NOW - 19_000, exchange: 'coinbase', price: 100.1 }), 4), // 0.1 %
    ]);
    expect(tables.get('spreads')!.map((r) => r.flagged)).toEqual([true, false]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ alert_type: 'SPREAD', alert_id: `spread:BTC-USDT:${NOW - 60_000}` });
  });

  it('lists every problem of a bad configuration', () => {
    expect(() => parseJobConfig({ WHALE_THRESHOLD: 'lots', CHECKPOINT_INTERVAL_MS: '-5' })).toThrow(
      /WHALE_THRESHOLD="lots"[\s\S]*CHECKPOINT_INTERVAL_MS="-5"|CHECKPOINT_INTERVAL_MS="-5"[\s\S]*WHALE_THRESHOLD="lots"/,
    );
  });
});
