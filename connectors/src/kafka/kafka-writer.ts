import type { Kafka, Message, Producer, ProducerConfig } from 'kafkajs';
import type { Sink, SinkWriter } from '@coattail/runtime';

/** How a {@link KafkaWriter} sends. */
export interface KafkaWriterOptions {
  kafka: Kafka;
  topic: string;
  /** -1 waits for all in-sync replicas. @default -1 */
  acks?: number;
  /** Extra kafkajs producer settings. One request in flight keeps each key's order on retries. */
  producer?: Partial<ProducerConfig>;
}

/** A record to send: the key picks the partition (kafkajs' murmur2 partitioner, as the Java client). */
export interface KafkaOutRecord {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
  timestamp?: number;
}

/**
 * Writes records to a Kafka topic with kafkajs: one `send` per `write` (kafkajs batches per
 * partition and retries), at most one request in flight so a key's records stay in order.
 *
 * @example
 * const writer = new KafkaWriter({ kafka, topic: 'coattail-trades' });
 * await writer.write([{ key: trade.symbol, value: JSON.stringify(trade) }]);
 * await writer.close();
 */
export class KafkaWriter {
  readonly #producer: Producer;
  #connected: Promise<void> | undefined;

  constructor(private readonly options: KafkaWriterOptions) {
    this.#producer = options.kafka.producer({
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      ...options.producer,
    });
  }

  async write(records: readonly KafkaOutRecord[]): Promise<void> {
    if (records.length === 0) return;
    await (this.#connected ??= this.#producer.connect());
    const messages: Message[] = records.map((r) => ({
      key: r.key,
      value: r.value,
      ...(r.headers !== undefined ? { headers: r.headers } : {}),
      ...(r.timestamp !== undefined ? { timestamp: String(r.timestamp) } : {}),
    }));
    await this.#producer.send({ topic: this.options.topic, messages, acks: this.options.acks ?? -1 });
  }

  async close(): Promise<void> {
    if (this.#connected !== undefined) await this.#producer.disconnect();
    this.#connected = undefined;
  }
}

/**
 * A runtime `Sink` writing to Kafka, at least once: writes go out as records arrive and a replay
 * after a restore sends them again. Use it for repartition topics and feeds whose readers are
 * idempotent (keyed upserts, deterministic ids).
 */
export class KafkaSink<T> implements Sink<T> {
  readonly name: string;

  constructor(private readonly options: KafkaWriterOptions & { toRecord: (value: T) => KafkaOutRecord }) {
    this.name = `kafka:${options.topic}`;
  }

  createWriter(): SinkWriter<T> {
    const writer = new KafkaWriter(this.options);
    return {
      write: (values) => writer.write(values.map(this.options.toRecord)),
      close: () => writer.close(),
    };
  }
}
