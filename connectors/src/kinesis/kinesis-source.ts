import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  noopMetrics,
  silentLogger,
  type Logger,
  type Metrics,
  type Source,
  type SplitDescriptor,
  type SplitPosition,
  type SplitReader,
} from '@coattail/runtime';
import { ConnectorConfigError } from '../errors.js';
import { ShardReader, type KinesisPosition, type KinesisRecord, type KinesisStart } from './shard-reader.js';
import { listAllShards, shardMetaOf, shardToSplit } from './shards.js';

/** How a {@link KinesisSource} reads. Every field but `client` and `streamName` has a default. */
export interface KinesisSourceOptions<T> {
  client: KinesisClient;
  streamName: string;
  /** Start of a shard without a checkpointed position. @default 'TRIM_HORIZON' */
  start?: KinesisStart;
  /** Turns a record into the stream's element; throwing fails the task, so parse leniently. @default the record itself */
  deserialize?: (record: KinesisRecord) => T;
  /** GetRecords `Limit`. @default 10_000 */
  maxRecordsPerCall?: number;
  /** Least time between two GetRecords on one shard (AWS allows 5 per second per shard). @default 200 */
  minPollIntervalMs?: number;
  /** Delay after the first empty poll, doubled per empty poll up to `maxIdleDelayMs`. @default 250 */
  idleDelayMs?: number;
  /**
   * Ceiling of that delay: the longest a record written to a quiet shard waits before it is read.
   * Kept at 500 ms for real-time alerts (a quiet shard is still read twice a second). @default 500
   */
  maxIdleDelayMs?: number;
  /** Back-off on throttling and 5xx: first ceiling and largest delay. @default 200 / 10_000 */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Bounded read: an open shard ends (without children) once a poll finds it caught up. For batch and tests. @default false */
  stopAtLatest?: boolean;
  logger?: Logger;
  metrics?: Metrics;
  /** Clock for poll pacing. @default Date.now */
  now?: () => number;
}

/**
 * A Kinesis stream as a runtime `Source`: one split per shard (parents named, so children start
 * after their parents end), de-aggregating KPL records, reporting `millisBehindLatest` per shard.
 *
 * `deserialize` should not throw and should not cast: parse the bytes and keep what did not parse
 * (with why) for a dead-letter queue downstream, as the jobs' quality gate does; a throw fails the
 * task on every replay of the record, a cast lets a record of another shape into the job.
 *
 * @example
 * const decode = (r: KinesisRecord): { trade?: Trade; error?: string } => {
 *   try {
 *     const parsed = tradeSchema.safeParse(JSON.parse(Buffer.from(r.data).toString('utf8')));
 *     return parsed.success ? { trade: parsed.data } : { error: parsed.error.message };
 *   } catch (error) {
 *     return { error: String(error) };
 *   }
 * };
 * const source = new KinesisSource({ client: createKinesisClient(), streamName: 'coattail-trades', deserialize: decode });
 */
export class KinesisSource<T = KinesisRecord> implements Source<T> {
  readonly name: string;
  readonly #o: KinesisSourceOptions<T>;
  readonly #log: Logger;

  constructor(options: KinesisSourceOptions<T>) {
    if (options.streamName === '') throw new ConnectorConfigError('KinesisSource needs a streamName');
    this.#o = options;
    this.name = `kinesis:${options.streamName}`;
    this.#log = (options.logger ?? silentLogger).child({ component: 'kinesis-source', stream: options.streamName });
  }

  async listSplits(): Promise<readonly SplitDescriptor[]> {
    const shards = await listAllShards(this.#o.client, this.#o.streamName);
    this.#log.info({ shards: shards.length }, 'listed shards');
    return shards.map((s) => shardToSplit(s));
  }

  createReader(split: SplitDescriptor, position: SplitPosition | undefined): SplitReader<T> {
    const o = this.#o;
    const metrics = o.metrics ?? noopMetrics;
    const tags = { stream: o.streamName, shard: split.id };
    shardMetaOf(split); // a restored split whose meta is not a shard's fails here, before any read
    return new ShardReader<T>(split, parsePosition(position, split.id), {
      client: o.client,
      streamName: o.streamName,
      start: o.start ?? 'TRIM_HORIZON',
      maxRecordsPerCall: o.maxRecordsPerCall ?? 10_000,
      minPollIntervalMs: o.minPollIntervalMs ?? 200,
      idleDelayMs: o.idleDelayMs ?? 250,
      maxIdleDelayMs: o.maxIdleDelayMs ?? 500,
      retryBaseMs: o.retryBaseMs ?? 200,
      retryMaxMs: o.retryMaxMs ?? 10_000,
      stopAtLatest: o.stopAtLatest ?? false,
      deserialize: o.deserialize ?? ((r) => r as T),
      logger: this.#log,
      metrics: {
        behind: metrics.gauge('millisBehindLatest', tags),
        records: metrics.counter('kinesisRecordsRead', tags),
        expired: metrics.counter('kinesisIteratorsExpired', tags),
        throttled: metrics.counter('kinesisReadThrottled', tags),
      },
      now: o.now ?? Date.now,
    });
  }
}

function parsePosition(position: SplitPosition | undefined, shardId: string): KinesisPosition | undefined {
  if (position === undefined || position === null) return undefined;
  if (typeof position === 'object' && !Array.isArray(position) && typeof position.sequenceNumber === 'string')
    return { sequenceNumber: position.sequenceNumber };
  throw new ConnectorConfigError(
    `checkpointed position of shard ${shardId} is not a Kinesis position: ${JSON.stringify(position)}`,
  );
}
