import type { DlqEntry } from '@coattail/connectors';
import type { Row } from '@coattail/iceberg';
import { CollectSink, InMemorySource, ManualClock, type Sink } from '@coattail/runtime';
import { describe, expect, it } from 'vitest';
import { buildJob, JOB_NAMES, parseJobConfig, type AlertBase, type Envelope, type JobName } from '../src/index.js';
import { scriptedTrades } from './dataset.js';

// Replaying or backfilling old trades: every event time is two weeks behind the clock, and the
// stream records arrive now. Malformed records among them must not move event time.
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const START = NOW - 14 * 86_400_000;
const SHARDS = ['shard-0', 'shard-1', 'shard-2'];
const shardOf = (symbol: unknown): string =>
  SHARDS[['BTC-USDT', 'ETH-USDT', 'SOL-USDT'].indexOf(String(symbol))] ?? 'shard-0';

/** A stream record at sequence number `seq` of its shard. */
const record = (split: string, seq: number, payload: string): Envelope => {
  try {
    return { split, seq: String(seq), arrival: NOW, payload, value: JSON.parse(payload) as unknown };
  } catch (error) {
    return { split, seq: String(seq), arrival: NOW, payload, error: String(error) };
  }
};

/** Records that the gate rejects, each of a kind that used to be stamped with a recent time. */
const malformed = (i: number): string =>
  [
    '{"event_id": "broken", ',
    JSON.stringify({ event_id: `no-time-${i}`, exchange: 'binance', symbol: 'BTC-USDT', price: 1, quantity: 1 }),
    JSON.stringify({
      event_id: `bad-symbol-${i}`,
      exchange: 'binance',
      symbol: 'DOGE-USDT',
      price: 1,
      quantity: 1,
      quote_volume: 1,
      event_time: NOW,
    }),
    JSON.stringify({
      event_id: `text-time-${i}`,
      exchange: 'binance',
      symbol: 'ETH-USDT',
      price: 1,
      quantity: 1,
      quote_volume: 1,
      event_time: '2026-12-07T12:00:00Z',
    }),
  ][i % 4]!;

/**
 * The scripted market two weeks old, one shard per symbol, plus one trade that is late in every
 * run (two minutes behind its shard). Valid records keep the same sequence numbers whether or
 * not malformed ones sit between them.
 */
function stream(withMalformed: boolean): Map<string, Envelope[]> {
  const shards = new Map(SHARDS.map((s) => [s, [] as Envelope[]]));
  const trades = scriptedTrades(START);
  const lateAfter = trades.findIndex((t) => t.event_time > START + 12 * 60_000);
  trades.splice(lateAfter, 0, { ...trades[0]!, event_id: 'really-late', event_time: START + 2 * 60_000 });
  trades.forEach((t, i) => {
    const split = shardOf(t.symbol);
    if (withMalformed && i % 150 === 75)
      shards.get(split)!.push(record(split, i * 10 + 5, malformed(Math.floor(i / 150))));
    const { ingest_time: _, ...value } = t;
    shards.get(split)!.push(record(split, i * 10, JSON.stringify(value)));
  });
  return shards;
}

async function run(name: JobName, shards: Map<string, Envelope[]>) {
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
    source: new InMemorySource([...shards].map(([id, records]) => ({ id, records }))),
    alerts: () => alerts,
    table,
    dlq: () => dlq,
    clock: new ManualClock(NOW),
  });
  // Small polls: the watermark moves between them, as it does between Kinesis batches.
  await env.execute({ jobId: name, tasks: 'single', clock: new ManualClock(NOW), maxBatchSize: 8 });
  const byId = (a: AlertBase, b: AlertBase) => a.alert_id.localeCompare(b.alert_id);
  // Batches fall differently with the extra records, so windows may fire in another order: compare as sets.
  const sorted = new Map([...tables].map(([t, r]) => [t, r.map((row) => JSON.stringify(row)).sort()]));
  return { alerts: [...alerts.values].sort(byId), dlq: dlq.values, tables: sorted };
}

const identity = (d: DlqEntry) => `${d.reason} ${d.split} ${d.sequenceNumber}`;

describe('replaying old trades mixed with malformed records', () => {
  it.each(JOB_NAMES)('%s produces the same results as without the malformed records', async (name) => {
    const clean = await run(name, stream(false));
    const dirty = await run(name, stream(true));
    const rejected = dirty.dlq.filter((d) => d.reason !== 'late');
    expect(rejected.length).toBeGreaterThanOrEqual(4);
    expect(new Set(rejected.map((d) => d.reason))).toEqual(
      new Set(['parse_error', 'completeness_timestamp', 'validity_symbol_allowed', 'validity_event_time']),
    );
    expect(clean.alerts.length + [...clean.tables.values()].flat().length).toBeGreaterThan(0);
    expect(dirty.alerts).toEqual(clean.alerts);
    expect(dirty.tables).toEqual(clean.tables);
    expect(dirty.dlq.filter((d) => d.reason === 'late').map(identity)).toEqual(
      clean.dlq.filter((d) => d.reason === 'late').map(identity),
    );
  });

  it('sends a late trade to the DLQ under the stream record that carried it', async () => {
    const shards = stream(true);
    const carrier = [...shards.values()].flat().find((e) => e.payload.includes('"really-late"'))!;
    const { dlq } = await run('spread-calculator', shards);
    const late = dlq.filter((d) => d.reason === 'late');
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({
      split: carrier.split,
      sequenceNumber: carrier.seq,
      ingestTime: NOW,
      eventTime: START + 2 * 60_000,
    });
  });
});
