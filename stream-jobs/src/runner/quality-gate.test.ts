import type { DlqEntry } from '@coattail/connectors';
import type { QualityMetrics, QualityMetricsPublisher } from '@coattail/quality';
import { CollectSink, InMemorySource, ManualClock, systemClock, type Sink } from '@coattail/runtime';
import { describe, expect, it } from 'vitest';
import type { AlertBase, JobTrade } from '../model/records.js';
import { trade } from '../test-trades.js';
import { buildJob } from './build-job.js';
import { parseJobConfig } from './job-config.js';
import { tradeGate, type Envelope, type QualityGate } from './quality-gate.js';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const envelope = (value: unknown, seq: number): Envelope => ({
  split: 'shard-0',
  seq: String(seq),
  arrival: NOW,
  payload: JSON.stringify(value),
  value,
});

function collectingPublisher(): QualityMetricsPublisher & { published: QualityMetrics[]; next: Promise<void> } {
  let signal: () => void = () => undefined;
  const p = {
    published: [] as QualityMetrics[],
    next: new Promise<void>((r) => (signal = r)),
    publish: (_job: string, m: QualityMetrics) => {
      p.published.push(m);
      signal();
      p.next = new Promise<void>((r) => (signal = r));
      return Promise.resolve();
    },
  };
  return p;
}

/** Runs the volume-anomaly job over `envelopes` with a manual clock that never reaches the next interval. */
async function runVolumeJob(envelopes: Envelope[], publisher: QualityMetricsPublisher): Promise<QualityGate> {
  let gate: QualityGate | undefined;
  const table = <T>(name: string): Sink<T> => ({ name, createWriter: () => ({ write: () => undefined }) });
  const env = buildJob('volume-anomaly', parseJobConfig({}), {
    source: new InMemorySource([{ id: 'shard-0', records: envelopes }]),
    alerts: () => new CollectSink<AlertBase>(),
    table,
    dlq: () => new CollectSink<DlqEntry>(),
    clock: new ManualClock(NOW),
    publisher,
    onQualityGate: (g) => {
      gate = g;
    },
  });
  await env.execute({ jobId: 'volume-anomaly', tasks: 'single', clock: new ManualClock(NOW), maxBatchSize: 1 });
  return gate!;
}

const t = (over: Partial<JobTrade> & { event_time: number }) => trade(over);

describe('quality metrics of the gate', () => {
  it('publishes the last partial interval when the job stops (flush), not only when a next record comes', async () => {
    const publisher = collectingPublisher();
    const gate = await runVolumeJob(
      [envelope(t({ event_time: NOW - 2_000 }), 1), envelope({ ...t({ event_time: NOW - 1_000 }), price: -1 }, 2)],
      publisher,
    );
    expect(publisher.published).toEqual([]);
    await gate.flush();
    expect(publisher.published).toHaveLength(1);
    expect(publisher.published[0]).toMatchObject({ RecordsProcessed: 2, RecordsPassed: 1, RecordsFailed: 1 });
    await gate.flush();
    expect(publisher.published).toHaveLength(1); // nothing new: nothing sent
  });

  it('counts trades the windows reject as late in RecordsLate, once each', async () => {
    const publisher = collectingPublisher();
    const gate = await runVolumeJob(
      [
        envelope(t({ event_time: NOW - 120_000 }), 1),
        envelope(t({ event_time: NOW - 30_000 }), 2),
        envelope(t({ event_time: NOW - 125_000, event_id: 'late-trade' }), 3), // past its window, yet not stale
      ],
      publisher,
    );
    await gate.flush();
    expect(publisher.published[0]).toMatchObject({ RecordsProcessed: 3, RecordsPassed: 3, RecordsLate: 1 });
  });

  it('publishes by itself when the stream goes quiet', async () => {
    const publisher = collectingPublisher();
    const gate = tradeGate({ job: 'whale-detector', clock: systemClock, publisher, publishIntervalMs: 50 });
    const out = { collect: () => undefined };
    const ctx = { output: () => undefined } as unknown as Parameters<QualityGate['process']['processElement']>[1];
    const first = publisher.next;
    gate.process.processElement(envelope(t({ event_time: Date.now() }), 1), ctx, out);
    gate.process.processElement(envelope(t({ event_time: Date.now() }), 2), ctx, out);
    await first; // no further record arrives: the timer publishes
    expect(publisher.published).toEqual([expect.objectContaining({ RecordsProcessed: 2, RecordsPassed: 2 })]);
  });
});

describe('the gate in front of the jobs', () => {
  it('routes a trade whose fields are not a trade’s to the DLQ naming the field, and passes well-formed ones', async () => {
    const dlq = new CollectSink<DlqEntry>();
    const table = <T>(name: string): Sink<T> => ({ name, createWriter: () => ({ write: () => undefined }) });
    const env = buildJob('volume-anomaly', parseJobConfig({}), {
      source: new InMemorySource([
        {
          id: 'shard-0',
          records: [
            envelope(t({ event_time: NOW - 2_000 }), 1),
            // Passes every ERROR check (no quote volume is only a WARN), but would sum to a NaN volume.
            envelope({ ...t({ event_time: NOW - 1_500 }), quote_volume: undefined }, 2),
            envelope({ ...t({ event_time: NOW - 1_200 }), quote_volume: '100' }, 3),
            envelope({ ...t({ event_time: NOW - 1_000 }), event_id: 42 }, 4),
            envelope({ ...t({ event_time: NOW - 900 }), ingest_time: NOW - 800 }, 5),
          ],
        },
      ]),
      alerts: () => new CollectSink<AlertBase>(),
      table,
      dlq: () => dlq,
      clock: new ManualClock(NOW),
      onQualityGate: () => undefined,
    });
    await env.execute({ jobId: 'volume-anomaly', tasks: 'single', clock: new ManualClock(NOW), maxBatchSize: 1 });
    expect(dlq.values.map((d) => [d.sequenceNumber, d.reason, d.detail])).toEqual([
      ['2', 'validity_schema', expect.stringMatching(/^quote_volume: /) as unknown],
      ['3', 'validity_schema', expect.stringMatching(/^quote_volume: /) as unknown],
      ['4', 'validity_schema', expect.stringMatching(/^event_id: /) as unknown],
    ]);
  });
});
