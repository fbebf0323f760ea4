import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka } from 'kafkajs';
import { silentLogger, type Logger, type Source, type SplitBatch, type SplitDescriptor, type SplitPosition, type SplitReader, type Timestamp } from '@coattail/runtime';
import { ConnectorConfigError } from '../errors.js';

/** One Kafka message as the source hands it to `deserialize`. */
export interface KafkaRecord {
  topic: string;
  partition: number;
  /** Offset as a decimal string (Kafka offsets are 64-bit). */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Message timestamp (create or log-append time), epoch ms. */
  timestamp: number;
  headers: Record<string, string>;
}

/** How a {@link KafkaSource} reads. */
export interface KafkaSourceOptions<T> {
  kafka: Kafka;
  topic: string;
  /** Consumer group: its partition assignment decides which splits this worker reads. */
  groupId: string;
  /** @default the record itself */
  deserialize?: (record: KafkaRecord) => T;
  /** Where a partition without a checkpointed position starts. @default true (earliest) */
  fromBeginning?: boolean;
  /** Bounded read: each partition ends at the log-end offset seen when its reader opened. @default false */
  stopAtEnd?: boolean;
  /** Messages buffered per partition above which that partition is paused. @default 10_000 */
  maxBufferedPerPartition?: number;
  /** Extra kafkajs consumer settings (session timeout, fetch sizes). */
  consumer?: Partial<ConsumerConfig>;
  logger?: Logger;
}

class PartitionBuffer<T> {
  records: T[] = [];
  offsets: bigint[] = [];
  timestamps: Timestamp[] = [];
  /** Next offset this buffer accepts: drops what a seek or a re-fetch repeats. */
  next = -1n;
  paused = false;
  end: bigint | undefined;
}

/**
 * A Kafka topic as a runtime `Source`, read with kafkajs in a consumer group: the partitions the
 * group assigns to this worker become its splits (`{topic}-{partition}`). Positions live in the
 * runtime's checkpoints (the next offset to read) and are sought on restore; nothing is
 * auto-committed to Kafka, so the checkpoint is the only truth about progress. One kafkajs
 * consumer feeds per-partition buffers; a partition whose buffer is full is paused.
 *
 * Limitation: the runtime lists splits once, so a rebalance after start (a worker joining or
 * leaving) is handled by restarting the job, which restores every split from its checkpoint.
 *
 * @example
 * const source = new KafkaSource({ kafka, topic: 'coattail-trades', groupId: 'whales', deserialize: (r) => JSON.parse(r.value!.toString()) as Trade });
 */
export class KafkaSource<T = KafkaRecord> implements Source<T> {
  readonly name: string;
  readonly #o: KafkaSourceOptions<T>;
  readonly #buffers = new Map<number, PartitionBuffer<T>>();
  readonly #log: Logger;
  #consumer: Consumer | undefined;
  #assigned: number[] | undefined;
  #open = 0;

  constructor(options: KafkaSourceOptions<T>) {
    this.#o = options;
    this.name = `kafka:${options.topic}`;
    this.#log = (options.logger ?? silentLogger).child({ component: 'kafka-source', topic: options.topic, group: options.groupId });
  }

  /** Joins the group (once) and returns the partitions assigned to this worker as splits. */
  async listSplits(): Promise<readonly SplitDescriptor[]> {
    if (this.#assigned === undefined) await this.#start();
    return this.#assigned!.map((p) => ({ id: `${this.#o.topic}-${p}`, meta: { topic: this.#o.topic, partition: p } }));
  }

  createReader(split: SplitDescriptor, position: SplitPosition | undefined): SplitReader<T> {
    const partition = (split.meta as { partition?: number } | undefined)?.partition;
    if (typeof partition !== 'number' || this.#consumer === undefined) throw new ConnectorConfigError(`split ${split.id} is not a partition of ${this.#o.topic} assigned to this worker`);
    const buffer = this.#buffer(partition);
    const consumer = this.#consumer;
    if (position !== undefined && position !== null) {
      const offset = (position as { offset?: unknown }).offset;
      if (typeof offset !== 'string') throw new ConnectorConfigError(`checkpointed position of ${split.id} is not a Kafka offset: ${JSON.stringify(position)}`);
      buffer.records = [];
      buffer.offsets = [];
      buffer.timestamps = [];
      buffer.next = BigInt(offset);
      consumer.seek({ topic: this.#o.topic, partition, offset });
    }
    const ready =
      this.#o.stopAtEnd === true
        ? this.#offsets(partition).then(({ low, high }) => {
            buffer.end = high;
            // Nothing read yet: the split starts at the earliest (or latest) offset, so an empty range ends at once.
            if (buffer.next < 0n) buffer.next = this.#o.fromBeginning === false ? high : low;
          })
        : Promise.resolve();
    this.#open++;
    return {
      poll: async (max) => {
        await ready;
        return this.#take(partition, buffer, max);
      },
      close: async () => {
        if (--this.#open === 0) await this.close();
      },
    };
  }

  /** Leaves the group and disconnects. */
  async close(): Promise<void> {
    const consumer = this.#consumer;
    this.#consumer = undefined;
    if (consumer !== undefined) await consumer.disconnect();
  }

  #take(partition: number, b: PartitionBuffer<T>, max: number): SplitBatch<T> {
    const n = Math.min(max, b.records.length);
    const records = b.records.splice(0, n);
    const timestamps = b.timestamps.splice(0, n);
    const offsets = b.offsets.splice(0, n);
    if (b.paused && b.records.length < (this.#o.maxBufferedPerPartition ?? 10_000) / 2) {
      b.paused = false;
      this.#consumer?.resume([{ topic: this.#o.topic, partitions: [partition] }]);
    }
    const last = offsets.at(-1);
    const batch: SplitBatch<T> = { records, timestamps, ...(last !== undefined ? { position: { offset: String(last + 1n) } } : {}) };
    const next = last !== undefined ? last + 1n : b.next;
    if (b.end !== undefined && b.records.length === 0 && next >= b.end) batch.end = { children: [] };
    return batch;
  }

  #buffer(partition: number): PartitionBuffer<T> {
    let b = this.#buffers.get(partition);
    if (b === undefined) this.#buffers.set(partition, (b = new PartitionBuffer<T>()));
    return b;
  }

  async #offsets(partition: number): Promise<{ low: bigint; high: bigint }> {
    const admin = this.#o.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(this.#o.topic);
      const o = offsets.find((x) => x.partition === partition);
      return { low: BigInt(o?.low ?? '0'), high: BigInt(o?.high ?? '0') };
    } finally {
      await admin.disconnect();
    }
  }

  async #start(): Promise<void> {
    const consumer = this.#o.kafka.consumer({ groupId: this.#o.groupId, maxWaitTimeInMs: 250, ...this.#o.consumer });
    this.#consumer = consumer;
    const joined = new Promise<number[]>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        const assigned = e.payload.memberAssignment[this.#o.topic] ?? [];
        if (this.#assigned !== undefined && assigned.join() !== this.#assigned.join()) {
          this.#log.warn({ before: this.#assigned, after: assigned }, 'partition assignment changed; restart the job to follow it');
        }
        resolve(assigned);
      });
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.#o.topic, fromBeginning: this.#o.fromBeginning ?? true });
    await consumer.run({ autoCommit: false, eachBatch: (payload) => Promise.resolve(this.#onBatch(payload)) });
    this.#assigned = [...(await joined)].sort((a, b) => a - b);
    this.#log.info({ partitions: this.#assigned }, 'joined the consumer group');
  }

  #onBatch({ batch }: EachBatchPayload): void {
    const b = this.#buffer(batch.partition);
    const deserialize = this.#o.deserialize ?? ((r: KafkaRecord) => r as T);
    for (const m of batch.messages) {
      const offset = BigInt(m.offset);
      if (offset < b.next) continue;
      b.next = offset + 1n;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.headers ?? {})) if (v !== undefined) headers[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
      b.records.push(deserialize({ topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value, timestamp: Number(m.timestamp), headers }));
      b.offsets.push(offset);
      b.timestamps.push(Number(m.timestamp));
    }
    if (!b.paused && b.records.length >= (this.#o.maxBufferedPerPartition ?? 10_000)) {
      b.paused = true;
      this.#consumer?.pause([{ topic: this.#o.topic, partitions: [batch.partition] }]);
    }
  }
}
