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
 * The quality gate of a job: a process function, plus what the job's other parts tell it and the
 * last word when the job ends.
 */
export interface QualityGate extends ProcessFunction<Envelope, JobTrade> {
  /** A trade a window rejected as late (past its window and allowed lateness): counts in RecordsLate. */
  countLate(trade: JobTrade): void;
  /** Publishes the counts of the unfinished interval now (the job is stopping); resolves when sent. */
  flush(): Promise<void>;
}

/**
 * The quality gate in front of every job: records that are not JSON objects, or that fail an
 * ERROR check, go to the DLQ side output with the rules they failed; WARN failures are counted
 * and the record passes. Counts are published as the seed's metrics once per interval: when a
 * record arrives after the interval, or by a timer when the stream has gone quiet, and on
 * {@link QualityGate.flush} when the job stops, so the last partial interval is never lost.
 * RecordsLate counts timeliness warnings and trades the windows reject as late, each trade once.
 */
export function qualityGate(options: QualityGateOptions): QualityGate {
  const checker = new DataQualityChecker<RawTradeRecord>(options.clock).addSuite(tradeCheckSuite(options));
  const interval = options.publishIntervalMs ?? 60_000;
  const publisher = options.publisher;
  let counts = fresh();
  // Trades counted late in this interval, so a trade both warned about and rejected by a window counts once.
  let lateIds = new Set<string>();
  let lastPublish = options.clock.now();
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> = Promise.resolve();
  const publishNow = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    lastPublish = options.clock.now();
    if (publisher === undefined || (counts.RecordsProcessed === 0 && counts.RecordsLate === 0)) return;
    const m = counts;
    m.QualityScore = m.RecordsProcessed === 0 ? 100 : (m.RecordsPassed / m.RecordsProcessed) * 100;
    counts = fresh();
    lateIds = new Set();
    sending = sending.then(() => publisher.publish(options.job, m).catch(() => undefined));
  };
  // A quiet stream calls processElement no more: the timer publishes what the last records left.
  const armTimer = (): void => {
    if (publisher === undefined || timer !== undefined) return;
    timer = setTimeout(publishNow, interval);
    timer.unref();
  };
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
          if (w.startsWith('timeliness')) {
            counts.RecordsLate++;
            const id = (e.value as { event_id?: unknown }).event_id;
            if (typeof id === 'string') lateIds.add(id);
          }
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
      if (now - lastPublish >= interval) publishNow();
      else armTimer();
    },
    countLate: (trade) => {
      if (lateIds.has(trade.event_id)) return;
      lateIds.add(trade.event_id);
      counts.RecordsLate++;
      armTimer();
    },
    flush: async () => {
      publishNow();
      await sending;
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
