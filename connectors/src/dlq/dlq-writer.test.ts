import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamEnvironment } from '@coattail/runtime';
import { describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../object-store/local-object-store.js';
import { DlqSink, DlqWriter, dlqKey, sanitizeKeySegment, type DlqEntry } from './dlq-writer.js';

const entry = (seq: number, reason = 'missing_price', ingestTime = Date.UTC(2026, 10, 21, 23, 59)): DlqEntry => ({
  reason,
  rulesFailed: [reason, 'bad_symbol'],
  severity: 'ERROR',
  split: 'shardId-000000000001',
  sequenceNumber: String(1000 + seq),
  ingestTime,
  eventTime: ingestTime - 500,
  payload: `{"symbol":"BTC","i":${seq}}`,
});

describe('DlqWriter', () => {
  it('writes dlq/{reason}/dt={date}/{job}-{split}-{firstSeq}-{lastSeq}.jsonl with failure metadata per line', async () => {
    const store = new LocalObjectStore(await mkdtemp(join(tmpdir(), 'dlq-')));
    const dlq = new DlqWriter({ store, job: 'whales', now: () => Date.UTC(2026, 10, 22) });
    const keys = await dlq.write([entry(1), entry(2), entry(3, 'not_json', Date.UTC(2026, 10, 22, 0, 1))]);
    expect(keys.sort()).toEqual([
      'dlq/missing_price/dt=2026-11-21/whales-shardId-000000000001-1001-1002.jsonl',
      'dlq/not_json/dt=2026-11-22/whales-shardId-000000000001-1003-1003.jsonl',
    ]);
    const lines = Buffer.from((await store.get(keys.sort()[0]!))!)
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({
      job: 'whales',
      reason: 'missing_price',
      rules_failed: ['missing_price', 'bad_symbol'],
      severity: 'ERROR',
      split: 'shardId-000000000001',
      sequence_number: '1001',
      ingest_time: '2026-11-21T23:59:00.000Z',
      event_time: '2026-11-21T23:58:59.500Z',
      failed_at: '2026-11-22T00:00:00.000Z',
      payload: '{"symbol":"BTC","i":1}',
    });
  });

  it('cannot be steered out of its prefix by a hostile reason', () => {
    expect(sanitizeKeySegment('../../etc/passwd')).toBe('etc_passwd');
    expect(sanitizeKeySegment('Price < 0 / NaN')).toBe('price_0_nan');
    expect(sanitizeKeySegment('')).toBe('unknown');
    expect(dlqKey('dlq', 'job', '..', '2026-01-01', 's', '1', '2')).toBe('dlq/unknown/dt=2026-01-01/job-s-1-2.jsonl');
  });
});

describe('DlqSink', () => {
  it('writes the failures of a job run under the job id', async () => {
    const store = new LocalObjectStore(await mkdtemp(join(tmpdir(), 'dlq-')));
    const env = StreamEnvironment.create();
    env.fromCollection([entry(1), entry(2)]).sinkTo(new DlqSink({ store }));
    await env.execute({ jobId: 'anomalies' });
    expect(await store.list('dlq/')).toEqual([
      'dlq/missing_price/dt=2026-11-21/anomalies-shardId-000000000001-1001-1002.jsonl',
    ]);
  });
});
