import { PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { noopMetrics, silentLogger, type Counter, type Logger } from '@coattail/runtime';
import { isTransientAwsError } from '../aws/aws-errors.js';
import { ConnectorConfigError, PeerUnavailableError } from '../errors.js';
import { backoffDelay, sleep } from '../retry.js';
import { KINESIS_LIMITS, type Aggregate, type Entry, type KinesisWriterOptions } from './kinesis-writer-options.js';
import { AGGREGATE_OVERHEAD, aggregatedRecordSize, encodeAggregated, type UserRecord } from './kpl-aggregation.js';

export { KINESIS_LIMITS, type KinesisWriterOptions } from './kinesis-writer-options.js';

/**
 * Writes records to a Kinesis stream with `PutRecords`: batches within the limits (500 records,
 * 5 MiB per call, 1 MiB per record), retries only the entries that failed with back-off and
 * jitter, keeps each partition key's order (one call in flight; failed entries go back to the
 * front of the queue, ahead of anything newer; with `strictOrder`, the default with aggregation,
 * one entry per key per call so that no partial failure can reorder a key), and flushes on `close`.
 *
 * @example
 * const writer = new KinesisWriter({ client: createKinesisClient(), streamName: 'coattail-trades', aggregation: true });
 * await writer.write([{ partitionKey: trade.symbol, data: Buffer.from(JSON.stringify(trade)) }]);
 * process.once('SIGTERM', () => void writer.close());
 */
export class KinesisWriter {
  readonly #o: Required<
    Pick<
      KinesisWriterOptions,
      'lingerMs' | 'maxBufferedRecords' | 'strictOrder' | 'maxAttempts' | 'retryBaseMs' | 'retryMaxMs'
    >
  > &
    KinesisWriterOptions;
  readonly #aggregateMax: number | undefined;
  readonly #aggregates = new Map<string, Aggregate>();
  #queue: Entry[] = [];
  #buffered = 0;
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #failure: Error | undefined;
  #check(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }
  #closed = false;
  readonly #waiters: (() => void)[] = [];
  readonly #log: Logger;
  readonly #m: { records: Counter; calls: Counter; retried: Counter; throttled: Counter };

  constructor(options: KinesisWriterOptions) {
    const agg = options.aggregation;
    this.#aggregateMax =
      agg === undefined || agg === false ? undefined : ((agg === true ? undefined : agg.maxBytes) ?? 50 * 1024);
    const strictOrder = this.#aggregateMax !== undefined;
    this.#o = {
      lingerMs: 100,
      maxBufferedRecords: 20_000,
      strictOrder,
      maxAttempts: 12,
      retryBaseMs: 100,
      retryMaxMs: 5_000,
      ...options,
    };
    if (
      this.#aggregateMax !== undefined &&
      this.#aggregateMax > KINESIS_LIMITS.bytesPerRecord - KINESIS_LIMITS.partitionKeyChars * 4
    ) {
      throw new ConnectorConfigError(
        `aggregation.maxBytes ${this.#aggregateMax} exceeds the 1 MiB Kinesis record limit`,
      );
    }
    this.#log = (options.logger ?? silentLogger).child({ component: 'kinesis-writer', stream: options.streamName });
    const m = options.metrics ?? noopMetrics;
    const tags = { stream: options.streamName };
    this.#m = {
      records: m.counter('kinesisRecordsWritten', tags),
      calls: m.counter('kinesisPutRecordsCalls', tags),
      retried: m.counter('kinesisEntriesRetried', tags),
      throttled: m.counter('kinesisThrottled', tags),
    };
  }

  /** User records accepted but not yet acknowledged by Kinesis. */
  get buffered(): number {
    return this.#buffered;
  }

  /**
   * Buffers records for sending; resolves once the buffer is below `maxBufferedRecords`
   * (backpressure). Throws if an earlier send failed for good, or after `close`.
   */
  async write(records: readonly UserRecord[]): Promise<void> {
    this.#check();
    if (this.#closed) throw new ConnectorConfigError('write after close: the Kinesis writer is closed');
    for (const r of records) this.#add(r);
    this.#buffered += records.length;
    if (this.#queuedRecords() >= KINESIS_LIMITS.recordsPerCall || this.#queuedBytes >= KINESIS_LIMITS.bytesPerCall)
      this.#kick();
    else this.#timer ??= setTimeout(() => this.#onLinger(), this.#o.lingerMs);
    while (this.#buffered >= this.#o.maxBufferedRecords && this.#failure === undefined) {
      // A full buffer will not wait out the linger: seal what is open and send it now.
      this.#sealAll();
      this.#kick();
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    this.#check();
  }

  /** Sends everything buffered, aggregates included; resolves when Kinesis acknowledged it all. */
  async flush(): Promise<void> {
    this.#sealAll();
    while (this.#queue.length > 0 || this.#draining !== undefined) {
      this.#kick();
      await this.#draining;
    }
    this.#check();
  }

  /** Flushes and stops accepting records (call it on SIGTERM). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #queuedBytes = 0;

  #queuedRecords(): number {
    return this.#queue.length;
  }

  #add(r: UserRecord): void {
    const keyBytes = Buffer.byteLength(r.partitionKey);
    if (r.partitionKey.length === 0 || r.partitionKey.length > KINESIS_LIMITS.partitionKeyChars) {
      throw new ConnectorConfigError(`partition key must be 1..256 characters, got ${r.partitionKey.length}`);
    }
    if (r.data.length + keyBytes > KINESIS_LIMITS.bytesPerRecord) {
      throw new ConnectorConfigError(
        `record of ${r.data.length + keyBytes} bytes exceeds the 1 MiB Kinesis record limit (key '${r.partitionKey}')`,
      );
    }
    if (this.#aggregateMax === undefined) return this.#enqueue({ ...r, count: 1, attempts: 0 });
    const size = aggregatedRecordSize(r);
    let agg = this.#aggregates.get(r.partitionKey);
    if (agg !== undefined && agg.bytes + size > this.#aggregateMax) {
      this.#seal(r.partitionKey, agg);
      agg = undefined;
    }
    if (agg === undefined) {
      agg = { records: [], bytes: AGGREGATE_OVERHEAD };
      this.#aggregates.set(r.partitionKey, agg);
    }
    agg.records.push(r);
    agg.bytes += size;
  }

  #seal(key: string, agg: Aggregate): void {
    this.#aggregates.delete(key);
    const first = agg.records[0]!;
    // Like the KPL, a lone record travels plain: smaller, and readable by anything.
    const data = agg.records.length === 1 ? first.data : encodeAggregated(agg.records);
    this.#enqueue({
      partitionKey: key,
      data,
      count: agg.records.length,
      attempts: 0,
      ...(first.explicitHashKey !== undefined ? { explicitHashKey: first.explicitHashKey } : {}),
    });
  }

  #sealAll(): void {
    for (const [key, agg] of [...this.#aggregates]) this.#seal(key, agg);
  }

  #enqueue(e: Entry): void {
    this.#queue.push(e);
    this.#queuedBytes += e.data.length + e.partitionKey.length;
  }

  #onLinger(): void {
    this.#timer = undefined;
    this.#sealAll();
    this.#kick();
  }

  #kick(): void {
    if (this.#draining !== undefined || this.#queue.length === 0 || this.#failure !== undefined) return;
    this.#draining = this.#drain()
      .catch((error: unknown) => {
        this.#failure = error instanceof Error ? error : new Error(String(error));
        this.#log.error({ err: error }, 'Kinesis writer failed; records are lost unless the caller retries');
      })
      .finally(() => {
        this.#draining = undefined;
        this.#wake();
        if (this.#queue.length > 0 && this.#failure === undefined) this.#kick();
      });
  }

  #wake(): void {
    if (this.#buffered < this.#o.maxBufferedRecords || this.#failure !== undefined)
      for (const w of this.#waiters.splice(0)) w();
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#takeBatch();
      const failed = await this.#send(batch);
      if (failed.length > 0) {
        // Back to the front, ahead of newer records of their keys.
        this.#queue = [...failed, ...this.#queue];
        for (const e of failed) this.#queuedBytes += e.data.length + e.partitionKey.length;
        const attempt = Math.max(...failed.map((e) => e.attempts));
        if (attempt >= this.#o.maxAttempts)
          throw new PeerUnavailableError(
            'Kinesis',
            `PutRecords to ${this.#o.streamName}`,
            new Error(`${failed.length} entries still failing after ${attempt} attempts`),
          );
        await sleep(backoffDelay(attempt, this.#o.retryBaseMs, this.#o.retryMaxMs));
      }
      this.#wake();
    }
  }

  #takeBatch(): Entry[] {
    const batch: Entry[] = [];
    const rest: Entry[] = [];
    const keys = new Set<string>();
    let bytes = 0;
    let i = 0;
    for (; i < this.#queue.length; i++) {
      const e = this.#queue[i]!;
      const size = e.data.length + e.partitionKey.length;
      if (batch.length >= KINESIS_LIMITS.recordsPerCall || bytes + size > KINESIS_LIMITS.bytesPerCall) break;
      // Strict order: a key's next entry waits for the next call, keeping its place in the queue.
      if (this.#o.strictOrder && keys.has(e.partitionKey)) {
        rest.push(e);
        continue;
      }
      keys.add(e.partitionKey);
      batch.push(e);
      bytes += size;
    }
    this.#queue = rest.length === 0 ? this.#queue.slice(i) : [...rest, ...this.#queue.slice(i)];
    this.#queuedBytes -= bytes;
    return batch;
  }

  /** One PutRecords call; returns the entries to retry. */
  async #send(batch: Entry[]): Promise<Entry[]> {
    const Records: PutRecordsRequestEntry[] = batch.map((e) => ({
      Data: e.data,
      PartitionKey: e.partitionKey,
      ...(e.explicitHashKey !== undefined ? { ExplicitHashKey: e.explicitHashKey } : {}),
    }));
    this.#m.calls.inc();
    for (const e of batch) e.attempts++;
    try {
      const out = await this.#o.client.send(new PutRecordsCommand({ StreamName: this.#o.streamName, Records }));
      const failed: Entry[] = [];
      let done = 0;
      (out.Records ?? []).forEach((r, i) => {
        const e = batch[i]!;
        if (r.ErrorCode === undefined) {
          done += e.count;
          return;
        }
        if (r.ErrorCode === 'ProvisionedThroughputExceededException') this.#m.throttled.inc();
        failed.push(e);
      });
      if ((out.Records ?? []).length < batch.length) failed.push(...batch.slice((out.Records ?? []).length));
      this.#acknowledge(done);
      if (failed.length > 0) {
        this.#m.retried.inc(failed.length);
        this.#log.debug(
          { failed: failed.length, of: batch.length },
          'PutRecords partially failed; retrying the failed entries',
        );
      }
      return failed;
    } catch (error) {
      if (!isTransientAwsError(error)) throw error;
      this.#m.retried.inc(batch.length);
      this.#log.warn({ err: error, entries: batch.length }, 'PutRecords failed; retrying the whole batch');
      return batch;
    }
  }

  #acknowledge(n: number): void {
    this.#buffered -= n;
    this.#m.records.inc(n);
  }
}
