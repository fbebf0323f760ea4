import { silentLogger, type Json, type Logger, type Sink, type SinkContext, type SinkWriter } from '@coattail/runtime';
import type { ObjectStore } from '../object-store/object-store.js';

/** One record that failed a quality gate (or could not be parsed), with why and where from. */
export interface DlqEntry {
  /** Main reason, the DLQ folder: e.g. the first failed rule, `parse_error`. Sanitized for the key. */
  reason: string;
  /** Every rule the record failed. */
  rulesFailed: readonly string[];
  severity: 'ERROR' | 'WARN';
  /** Split (shard, partition) the record came from. */
  split: string;
  /** Its sequence number or offset in the split. */
  sequenceNumber: string;
  /** When it reached us (epoch ms); picks the `dt=` folder. */
  ingestTime: number;
  /** Its event time, when it had a readable one. */
  eventTime?: number | null;
  /** The raw record as received (text; binary payloads base64). */
  payload: string;
  /** Free-form detail (an error message, the offending values). */
  detail?: Json;
}

/**
 * Makes a value safe as one path segment of an object key: lower case, `[a-z0-9_-]` only (so no
 * `/`, `..` or control characters can escape the DLQ prefix), at most 64 characters.
 */
export function sanitizeKeySegment(value: string): string {
  const clean = value
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64);
  return clean === '' ? 'unknown' : clean;
}

/** Like {@link sanitizeKeySegment} but keeps case: for job ids, split ids and sequence numbers. */
function safeName(value: string): string {
  const clean = value.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 128);
  return clean === '' ? 'unknown' : clean;
}

/** `yyyy-mm-dd` of an epoch-ms time, in UTC. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The DLQ object key of a group of failures: `{prefix}/{reason}/dt={yyyy-mm-dd}/{job}-{split}-{firstSeq}-{lastSeq}.jsonl`.
 * Deterministic, so rewriting the same failures (a replay) overwrites rather than duplicates.
 */
export function dlqKey(
  prefix: string,
  job: string,
  reason: string,
  date: string,
  split: string,
  firstSeq: string,
  lastSeq: string,
): string {
  const p = prefix.replace(/^\/+|\/+$/g, '');
  return `${p === '' ? '' : `${p}/`}${sanitizeKeySegment(reason)}/dt=${date}/${safeName(job)}-${safeName(split)}-${safeName(firstSeq)}-${safeName(lastSeq)}.jsonl`;
}

/** Where the DLQ goes. */
export interface DlqWriterOptions {
  /** The raw bucket's store (S3 in production, a folder in tests). */
  store: ObjectStore;
  job: string;
  /** @default 'dlq' */
  prefix?: string;
  logger?: Logger;
  /** Clock for `failedAt`. @default Date.now */
  now?: () => number;
}

/**
 * Writes failed records to the DLQ as JSON lines, one object per (reason, day, split) group, each
 * line carrying the failure metadata (rules failed, severity, job, split, sequence number, ingest
 * and event time, the raw payload).
 *
 * @example
 * const dlq = new DlqWriter({ store: new S3ObjectStore({ client, bucket: 'coattail-raw' }), job: 'whales' });
 * await dlq.write([{ reason: 'missing_price', rulesFailed: ['missing_price'], severity: 'ERROR', split, sequenceNumber, ingestTime, payload }]);
 */
export class DlqWriter {
  readonly #o: DlqWriterOptions;
  readonly #log: Logger;

  constructor(options: DlqWriterOptions) {
    this.#o = options;
    this.#log = (options.logger ?? silentLogger).child({ component: 'dlq-writer', job: options.job });
  }

  /** Writes the entries; returns the keys of the objects written. */
  async write(entries: readonly DlqEntry[]): Promise<string[]> {
    const groups = new Map<string, DlqEntry[]>();
    for (const e of entries) {
      const id = `${sanitizeKeySegment(e.reason)}\u0000${utcDate(e.ingestTime)}\u0000${e.split}`;
      groups.set(id, [...(groups.get(id) ?? []), e]);
    }
    const failedAt = new Date((this.#o.now ?? Date.now)()).toISOString();
    const keys: string[] = [];
    for (const group of groups.values()) {
      const first = group[0]!;
      const key = dlqKey(
        this.#o.prefix ?? 'dlq',
        this.#o.job,
        first.reason,
        utcDate(first.ingestTime),
        first.split,
        first.sequenceNumber,
        group.at(-1)!.sequenceNumber,
      );
      const lines = group.map((e) =>
        JSON.stringify({
          job: this.#o.job,
          reason: e.reason,
          rules_failed: e.rulesFailed,
          severity: e.severity,
          split: e.split,
          sequence_number: e.sequenceNumber,
          ingest_time: new Date(e.ingestTime).toISOString(),
          event_time: e.eventTime === undefined || e.eventTime === null ? null : new Date(e.eventTime).toISOString(),
          failed_at: failedAt,
          payload: e.payload,
          ...(e.detail !== undefined ? { detail: e.detail } : {}),
        }),
      );
      await this.#o.store.put(key, Buffer.from(`${lines.join('\n')}\n`));
      keys.push(key);
    }
    if (keys.length > 0)
      this.#log.info({ objects: keys.length, records: entries.length }, 'wrote failed records to the DLQ');
    return keys;
  }
}

/** Options of {@link DlqSink}: those of the writer (its `job` defaults to the running job's id). */
export type DlqSinkOptions = Omit<DlqWriterOptions, 'job'> & {
  job?: string;
  /** Entries buffered before an early flush. @default 5_000 */ maxBuffered?: number;
};

/**
 * The DLQ as a runtime sink: buffers failures and writes them when a checkpoint is taken (and at
 * close), so one object holds a checkpoint interval's failures of a split and reason. At least
 * once: a replay after a crash rewrites the same key when the batch is the same, and otherwise
 * adds an object whose lines repeat (split, sequence number) pairs — dedupe on those when reading.
 */
export class DlqSink implements Sink<DlqEntry> {
  readonly name = 'dlq';

  constructor(private readonly options: DlqSinkOptions) {}

  createWriter(context: SinkContext): SinkWriter<DlqEntry> {
    const writer = new DlqWriter({ ...this.options, job: this.options.job ?? context.jobId });
    const max = this.options.maxBuffered ?? 5_000;
    let buffer: DlqEntry[] = [];
    const flush = async (): Promise<string[]> => {
      const entries = buffer;
      buffer = [];
      return entries.length === 0 ? [] : writer.write(entries);
    };
    return {
      write: async (values) => {
        buffer.push(...values);
        if (buffer.length >= max) await flush();
      },
      prepareCommit: async () => ({ dlqObjects: await flush() }),
      close: async () => void (await flush()),
    };
  }
}
