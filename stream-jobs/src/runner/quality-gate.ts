import {
  DataQualityChecker,
  tradeCheckSuite,
  type QualityMetrics,
  type QualityMetricsPublisher,
  type RawTradeRecord,
  type TradeCheckOptions,
} from '@coattail/quality';
import type { DlqEntry } from '@coattail/connectors';
import { OutputTag, type Clock, type ProcessFunction } from '@coattail/runtime';
import type { JobTrade } from '../model/records.js';

/** A record as read from the stream: where it came from, its payload, and the decoded value or why not. */
export interface Envelope {
  split: string;
  seq: string;
  arrival: number;
  payload: string;
  value?: unknown;
  error?: string;
}

/** Decodes a stream record's bytes as JSON; never throws (a bad payload is carried to the DLQ). */
export function decodeEnvelope(r: {
  shardId: string;
  sequenceNumber: string;
  subSequenceNumber: number;
  arrivalTime: number;
  data: Uint8Array;
}): Envelope {
  const payload = Buffer.from(r.data).toString('utf8');
  const seq = r.subSequenceNumber > 0 ? `${r.sequenceNumber}.${r.subSequenceNumber}` : r.sequenceNumber;
  try {
    return { split: r.shardId, seq, arrival: r.arrivalTime, payload, value: JSON.parse(payload) as unknown };
  } catch (error) {
    return {
      split: r.shardId,
      seq,
      arrival: r.arrivalTime,
      payload,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

export const dlqTag = new OutputTag<DlqEntry>('dlq');

export interface QualityGateOptions extends TradeCheckOptions {
  job: string;
  clock: Clock;
  publisher?: QualityMetricsPublisher;
  /** Processing time between two metric publications. @default 60_000 */
  publishIntervalMs?: number;
}

/**
 * The quality gate in front of every job: records that are not JSON objects, or that fail an
 * ERROR check, go to the DLQ side output with the rules they failed; WARN failures are counted
 * and the record passes. Counts are published as the seed's metrics at most once per interval.
 */
export function qualityGate(options: QualityGateOptions): ProcessFunction<Envelope, JobTrade> {
  const checker = new DataQualityChecker<RawTradeRecord>(options.clock).addSuite(tradeCheckSuite(options));
  const interval = options.publishIntervalMs ?? 60_000;
  let counts = fresh();
  let lastPublish = options.clock.now();
  const toDlq = (e: Envelope, reason: string, rules: string[], detail?: string): DlqEntry => {
    const value = e.value as { event_time?: unknown } | undefined;
    return {
      reason,
      rulesFailed: rules,
      severity: 'ERROR',
      split: e.split,
      sequenceNumber: e.seq,
      ingestTime: e.arrival,
      eventTime: typeof value?.event_time === 'number' ? value.event_time : null,
      payload: e.payload,
      ...(detail ? { detail } : {}),
    };
  };
  return {
    processElement: (e, ctx, out) => {
      counts.RecordsProcessed++;
      const now = options.clock.now();
      if (e.error !== undefined || typeof e.value !== 'object' || e.value === null || Array.isArray(e.value)) {
        counts.RecordsFailed++;
        counts.failuresByCheck.parse_error = (counts.failuresByCheck.parse_error ?? 0) + 1;
        ctx.output(dlqTag, toDlq(e, 'parse_error', ['parse_error'], e.error ?? 'payload is not a JSON object'));
      } else {
        const verdict = checker.inspect(e.value, now);
        for (const w of verdict?.warnings ?? []) {
          counts.failuresByCheck[w] = (counts.failuresByCheck[w] ?? 0) + 1;
          if (w.startsWith('timeliness')) counts.RecordsLate++;
        }
        if (verdict !== undefined && verdict.failed.length > 0) {
          counts.RecordsFailed++;
          for (const f of verdict.failed) counts.failuresByCheck[f] = (counts.failuresByCheck[f] ?? 0) + 1;
          ctx.output(dlqTag, toDlq(e, verdict.failed[0]!, verdict.failed));
        } else {
          counts.RecordsPassed++;
          out.collect(e.value as JobTrade);
        }
      }
      if (options.publisher !== undefined && now - lastPublish >= interval) {
        const m = counts;
        m.QualityScore = m.RecordsProcessed === 0 ? 100 : (m.RecordsPassed / m.RecordsProcessed) * 100;
        counts = fresh();
        lastPublish = now;
        void options.publisher.publish(options.job, m).catch(() => undefined);
      }
    },
  };
}

function fresh(): QualityMetrics {
  return {
    RecordsProcessed: 0,
    RecordsPassed: 0,
    RecordsFailed: 0,
    RecordsLate: 0,
    QualityScore: 100,
    failuresByCheck: {},
  };
}

/** A late trade (past every window) as a DLQ entry with reason `late`. */
export function lateEntry(t: JobTrade): DlqEntry {
  return {
    reason: 'late',
    rulesFailed: ['late'],
    severity: 'ERROR',
    split: t.symbol,
    sequenceNumber: t.event_id,
    ingestTime: t.event_time,
    eventTime: t.event_time,
    payload: JSON.stringify(t),
  };
}
