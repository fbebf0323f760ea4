import type { DlqEntry } from '@coattail/connectors';
import type { JobTrade } from '../model/records.js';
import type { Envelope } from './quality-gate.js';

/** Where a record came from in the stream: the identity its DLQ entry must keep. */
interface SourceRecord {
  split: string;
  seq: string;
  arrival: number;
}

/**
 * The stream record behind every trade the gate let through. A trade that later turns out late
 * goes to the DLQ under the split and sequence number of the record that carried it: DLQ object
 * keys and de-duplication are on (split, sequence number), so an identity made up from the trade
 * (symbol, event id) could make two real records collide and one be dropped. Weak, so a trade's
 * entry lives exactly as long as the trade.
 */
const sources = new WeakMap<JobTrade, SourceRecord>();

/** Records which stream record carried a trade that passed the gate. */
export function rememberSource(trade: JobTrade, e: Envelope): void {
  sources.set(trade, { split: e.split, seq: e.seq, arrival: e.arrival });
}

/** A rejected stream record as a DLQ entry, under its own split and sequence number. */
export function rejectedEntry(e: Envelope, reason: string, rules: string[], detail?: string): DlqEntry {
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
}

/**
 * A late trade (past every window) as a DLQ entry with reason `late`, under the split and
 * sequence number of the stream record that carried it.
 *
 * @throws Error when the trade did not come through the quality gate as the same object: a job
 *   that copies trades between the gate and its windows must carry the source identity itself.
 */
export function lateEntry(t: JobTrade): DlqEntry {
  const source = sources.get(t);
  if (source === undefined) {
    throw new Error(
      `late trade ${t.event_id} (${t.symbol}) has no source record: the job must pass the quality gate's ` +
        'trade objects to its windows unchanged, so a late one can be sent to the DLQ under its stream record',
    );
  }
  return {
    reason: 'late',
    rulesFailed: ['late'],
    severity: 'ERROR',
    split: source.split,
    sequenceNumber: source.seq,
    ingestTime: source.arrival,
    eventTime: t.event_time,
    payload: JSON.stringify(t),
  };
}
