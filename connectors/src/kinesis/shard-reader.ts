import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  type _Record,
} from '@aws-sdk/client-kinesis';
import type { Counter, Gauge, Logger, SplitBatch, SplitDescriptor, SplitReader, Timestamp } from '@coattail/runtime';
import { awsErrorName, isThrottlingError, isTransientAwsError } from '../aws/aws-errors.js';
import { backoffDelay } from '../retry.js';
import { deaggregate } from './kpl-aggregation.js';
import { listAllShards, shardMetaOf, shardToSplit } from './shards.js';

/** One user record read from Kinesis (de-aggregated when it was written in the KPL format). */
export interface KinesisRecord {
  shardId: string;
  partitionKey: string;
  data: Uint8Array;
  sequenceNumber: string;
  /** Index inside an aggregated Kinesis record; 0 for plain records. */
  subSequenceNumber: number;
  /** ApproximateArrivalTimestamp in epoch milliseconds. */
  arrivalTime: number;
  explicitHashKey?: string;
}

/** Where a Kinesis source starts reading a shard that has no checkpointed position. */
export type KinesisStart = 'TRIM_HORIZON' | 'LATEST' | { atTimestamp: number | Date };

/** The settings a shard reader needs (resolved from the source's options). */
export interface ShardReaderSettings<T> {
  client: KinesisClient;
  streamName: string;
  start: KinesisStart;
  maxRecordsPerCall: number;
  minPollIntervalMs: number;
  idleDelayMs: number;
  maxIdleDelayMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  stopAtLatest: boolean;
  deserialize: (record: KinesisRecord) => T;
  logger: Logger;
  metrics: { behind: Gauge; records: Counter; expired: Counter; throttled: Counter };
  now: () => number;
}

interface Fetched<T> {
  sequenceNumber: string;
  records: T[];
  arrival: number;
}

/** Position of a Kinesis split in checkpoints: the last sequence number whose records were all emitted. */
export interface KinesisPosition {
  sequenceNumber: string;
  [key: string]: string;
}

/**
 * Reads one shard for the runtime: GetShardIterator, then GetRecords with a minimum interval and
 * an adaptive delay when polls come back empty; re-acquires an expired iterator after the last
 * record it read; backs off with jitter on throttling and 5xx; at SHARD_END ends the split and
 * names its children. An aggregated Kinesis record is never split across polls, so the position
 * is always a whole Kinesis record and a restore resumes AFTER_SEQUENCE_NUMBER.
 */
export class ShardReader<T> implements SplitReader<T> {
  #iterator: string | undefined;
  #lastSequence: string | undefined;
  #buffer: Fetched<T>[] = [];
  #ended: SplitDescriptor[] | undefined;
  #nextFetchAt = 0;
  #emptyPolls = 0;
  #failures = 0;
  readonly #log: Logger;

  constructor(
    private readonly split: SplitDescriptor,
    position: KinesisPosition | undefined,
    private readonly s: ShardReaderSettings<T>,
  ) {
    this.#lastSequence = position?.sequenceNumber;
    this.#log = s.logger.child({ shard: split.id });
  }

  async poll(maxRecords: number): Promise<SplitBatch<T>> {
    if (this.#buffer.length === 0 && this.#ended === undefined && this.s.now() >= this.#nextFetchAt)
      await this.#fetch();
    if (this.#buffer.length > 0) return this.#emit(maxRecords);
    if (this.#ended !== undefined) return { records: [], end: { children: this.#ended } };
    return { records: [] };
  }

  #emit(maxRecords: number): SplitBatch<T> {
    const records: T[] = [];
    const timestamps: Timestamp[] = [];
    let last: Fetched<T> | undefined;
    while (
      this.#buffer.length > 0 &&
      (records.length === 0 || records.length + this.#buffer[0]!.records.length <= maxRecords)
    ) {
      last = this.#buffer.shift()!;
      for (const r of last.records) {
        records.push(r);
        timestamps.push(last.arrival);
      }
    }
    return {
      records,
      timestamps,
      ...(last !== undefined ? { position: { sequenceNumber: last.sequenceNumber } satisfies KinesisPosition } : {}),
    };
  }

  #iteratorRequest(): GetShardIteratorCommandInput {
    const base = { StreamName: this.s.streamName, ShardId: this.split.id };
    if (this.#lastSequence !== undefined)
      return { ...base, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: this.#lastSequence };
    const start = shardMetaOf(this.split).afterParent === true ? 'TRIM_HORIZON' : this.s.start;
    if (start === 'TRIM_HORIZON' || start === 'LATEST') return { ...base, ShardIteratorType: start };
    return { ...base, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(start.atTimestamp) };
  }

  async #fetch(): Promise<void> {
    try {
      if (this.#iterator === undefined) {
        const request = this.#iteratorRequest();
        this.#iterator = (await this.s.client.send(new GetShardIteratorCommand(request))).ShardIterator;
        if (this.#iterator === undefined) return this.#end();
      }
      const out = await this.s.client.send(
        new GetRecordsCommand({ ShardIterator: this.#iterator, Limit: this.s.maxRecordsPerCall }),
      );
      this.#failures = 0;
      this.#iterator = out.NextShardIterator;
      const behind = out.MillisBehindLatest ?? 0;
      this.s.metrics.behind.set(behind);
      const records = out.Records ?? [];
      for (const r of records) this.#buffer.push(this.#unpack(r));
      if (records.length > 0) {
        this.#lastSequence = records.at(-1)!.SequenceNumber;
        this.#emptyPolls = 0;
        this.#nextFetchAt = this.s.now() + this.s.minPollIntervalMs;
      } else {
        this.#emptyPolls++;
        // Adaptive delay: a quiet shard is polled less and less often, up to maxIdleDelayMs.
        const idle = Math.min(this.s.idleDelayMs * 2 ** Math.min(this.#emptyPolls - 1, 20), this.s.maxIdleDelayMs);
        this.#nextFetchAt = this.s.now() + Math.max(idle, this.s.minPollIntervalMs);
      }
      if (this.#iterator === undefined) await this.#end();
      else if (this.s.stopAtLatest && records.length === 0 && behind === 0) {
        this.#log.info({}, 'caught up with the shard; ending it (stopAtLatest)');
        this.#ended = [];
      }
    } catch (error) {
      this.#onError(error);
    }
  }

  #onError(error: unknown): void {
    if (awsErrorName(error) === 'ExpiredIteratorException') {
      this.s.metrics.expired.inc();
      this.#log.warn({ after: this.#lastSequence }, 'shard iterator expired; re-acquiring after the last record read');
      this.#iterator = undefined;
      return;
    }
    if (!isTransientAwsError(error)) throw error;
    if (isThrottlingError(error)) this.s.metrics.throttled.inc();
    const delay = backoffDelay(this.#failures++, this.s.retryBaseMs, this.s.retryMaxMs);
    this.#nextFetchAt = this.s.now() + delay;
    this.#log.warn({ err: error, delayMs: delay, failures: this.#failures }, 'GetRecords failed; backing off');
  }

  #unpack(r: _Record): Fetched<T> {
    const arrival = r.ApproximateArrivalTimestamp?.getTime() ?? this.s.now();
    const users = deaggregate(r.Data ?? new Uint8Array(), r.PartitionKey ?? '', undefined);
    const records = users.map((u, i) =>
      this.s.deserialize({
        shardId: this.split.id,
        partitionKey: u.partitionKey,
        data: u.data,
        sequenceNumber: r.SequenceNumber!,
        subSequenceNumber: i,
        arrivalTime: arrival,
        ...(u.explicitHashKey !== undefined ? { explicitHashKey: u.explicitHashKey } : {}),
      }),
    );
    this.s.metrics.records.inc(records.length);
    return { sequenceNumber: r.SequenceNumber!, records, arrival };
  }

  async #end(): Promise<void> {
    // listAllShards retries each page itself; wrapping it again would multiply the attempts.
    const shards = await listAllShards(this.s.client, this.s.streamName);
    const children = shards
      .filter((s) => s.ParentShardId === this.split.id || s.AdjacentParentShardId === this.split.id)
      .map((s) => shardToSplit(s, true));
    this.#log.info({ children: children.map((c) => c.id) }, 'shard reached SHARD_END');
    this.#ended = children;
  }
}
