import {
  DataQualityChecker,
  tradeCheckSuite,
  type QualityMetrics,
  type QualityMetricsPublisher,
  type RawTradeRecord,
  type TradeCheckOptions,
} from '@coattail/quality';
import type { DlqEntry } from '@coattail/connectors';
import {
  MIN_WATERMARK,
  OutputTag,
  listIssues,
  type Clock,
  type ProcessFunction,
  type TimestampAssigner,
} from '@coattail/runtime';
import { jobTradeSchema, type JobTrade } from '../model/records.js';
import { rejectedEntry, rememberSource } from './dlq-entries.js';

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

/** What the gate decides for one stream record. */
type Verdict =
  | { pass: true; trade: JobTrade; warnings: readonly string[] }
  | { pass: false; reason: string; rules: string[]; detail?: string; warnings: readonly string[] };

/**
 * The quality gate in front of every job, in two halves that share one verdict per record:
 * `timestamps` gives a record its event time for the watermark, `process` routes it.
 *
 * Event time comes only from records that pass: a rejected record gets the lowest timestamp there
 * is, so it never moves the watermark (Flink assigns timestamps after such a filter). Stamping a
 * bad record with its arrival time instead once made a backfill of two-week-old trades, with a
 * few malformed records among them, send almost every valid trade to the DLQ as late.
 */
export interface TradeGate {
  timestamps: TimestampAssigner<Envelope>;
  process: ProcessFunction<Envelope, JobTrade>;
  /** A trade a window rejected as late (past its window and allowed lateness): counts in RecordsLate. */
  countLate(trade: JobTrade): void;
  /** Publishes the counts of the unfinished interval now (the job is stopping); resolves when sent. */
  flush(): Promise<void>;
}

/**
 * Builds the gate: records that are not JSON objects, that fail an ERROR check, whose
 * `event_time` is not a number, or whose other fields are not a {@link JobTrade}'s
 * (`validity_schema`, e.g. no quote volume) go to the DLQ side output with the rules they failed; WARN
 * failures are counted and the record passes. Counts are published as the quality metrics once
 * per interval: when a record arrives after the interval, by a timer when the stream has gone
 * quiet, and on {@link TradeGate.flush} when the job stops, so the last partial interval is never
 * lost. RecordsLate counts timeliness warnings and trades the windows reject as late, each trade once.
 */
export function tradeGate(options: QualityGateOptions): TradeGate {
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
  // Filled by `timestamps`, taken by `process`: the checks run once per record.
  const verdicts = new WeakMap<Envelope, Verdict>();
  const judge = (e: Envelope): Verdict => {
    if (e.error !== undefined || typeof e.value !== 'object' || e.value === null || Array.isArray(e.value)) {
      const detail = e.error ?? 'payload is not a JSON object';
      return { pass: false, reason: 'parse_error', rules: ['parse_error'], detail, warnings: [] };
    }
    const verdict = checker.inspect(e.value, options.clock.now());
    const warnings = verdict?.warnings ?? [];
    if (verdict !== undefined && verdict.failed.length > 0) {
      return { pass: false, reason: verdict.failed[0]!, rules: verdict.failed, warnings };
    }
    const time = (e.value as { event_time?: unknown }).event_time;
    if (typeof time !== 'number' || !Number.isFinite(time)) {
      const detail = `event_time must be epoch milliseconds, got ${JSON.stringify(time)}`;
      return { pass: false, reason: 'validity_event_time', rules: ['validity_event_time'], detail, warnings };
    }
    const trade = jobTradeSchema.safeParse(e.value);
    if (!trade.success) {
      const detail = listIssues(trade.error);
      return { pass: false, reason: 'validity_schema', rules: ['validity_schema'], detail, warnings };
    }
    return { pass: true, trade: trade.data, warnings };
  };
  return {
    timestamps: (e) => {
      const verdict = judge(e);
      verdicts.set(e, verdict);
      return verdict.pass ? verdict.trade.event_time : MIN_WATERMARK;
    },
    process: {
      processElement: (e, ctx, out) => {
        const verdict = verdicts.get(e) ?? judge(e);
        verdicts.delete(e);
        counts.RecordsProcessed++;
        for (const w of verdict.warnings) {
          counts.failuresByCheck[w] = (counts.failuresByCheck[w] ?? 0) + 1;
          if (w.startsWith('timeliness')) {
            counts.RecordsLate++;
            const id = (e.value as { event_id?: unknown }).event_id;
            if (typeof id === 'string') lateIds.add(id);
          }
        }
        if (verdict.pass) {
          counts.RecordsPassed++;
          rememberSource(verdict.trade, e);
          out.collect(verdict.trade);
        } else {
          counts.RecordsFailed++;
          for (const f of verdict.rules) counts.failuresByCheck[f] = (counts.failuresByCheck[f] ?? 0) + 1;
          ctx.output(dlqTag, rejectedEntry(e, verdict.reason, verdict.rules, verdict.detail));
        }
        if (options.clock.now() - lastPublish >= interval) publishNow();
        else armTimer();
      },
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

/** The gate as the job runner sees it (to flush its metrics when the job stops). */
export type QualityGate = TradeGate;

/** The gate's routing half alone, for a source whose timestamps are assigned elsewhere. */
export function qualityGate(options: QualityGateOptions): ProcessFunction<Envelope, JobTrade> {
  return tradeGate(options).process;
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
