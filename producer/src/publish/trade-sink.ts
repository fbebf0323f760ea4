import { KinesisWriter, type KinesisWriterOptions } from '@coattail/connectors';
import type { UnifiedTrade } from '../models.js';

/**
 * Where normalized trades go. `publish` resolves only once the broker acknowledged every trade
 * in the batch: the publisher counts a trade as published, and shutdown as flushed, on that.
 */
export interface TradeSink {
  readonly kind: string;
  publish(trades: readonly UnifiedTrade[]): Promise<void>;
  close(): Promise<void>;
}

/** One trade as the bytes of a stream record: UTF-8 JSON of the unified schema. */
export function encodeTrade(trade: UnifiedTrade): Buffer {
  return Buffer.from(JSON.stringify(trade));
}

/**
 * Publishes to Kinesis through the connectors' {@link KinesisWriter} (PutRecords batching, KPL
 * aggregation, retries of failed entries) with partition key = canonical symbol, so both
 * exchanges' trades of one symbol land on one shard.
 *
 * @example
 * const sink = new KinesisTradeSink({ client: createKinesisClient(), streamName: 'coattail-trades', aggregation: true });
 */
export class KinesisTradeSink implements TradeSink {
  readonly kind = 'kinesis';
  readonly #writer: KinesisWriter;

  constructor(options: KinesisWriterOptions) {
    // The publisher already groups trades; the writer should send at once, not linger.
    this.#writer = new KinesisWriter({ lingerMs: 5, maxBufferedRecords: Number.MAX_SAFE_INTEGER, ...options });
  }

  async publish(trades: readonly UnifiedTrade[]): Promise<void> {
    await this.#writer.write(trades.map((t) => ({ partitionKey: t.symbol, data: encodeTrade(t) })));
    await this.#writer.flush();
  }

  async close(): Promise<void> {
    await this.#writer.close();
  }
}

/**
 * The slice of a Kafka producer this sink needs; a connected kafkajs `Producer` satisfies it.
 * Not the connectors' `KafkaWriter`: that one takes a kafkajs `Kafka`, and the producer keeps
 * kafkajs a lazily loaded module (see `createSink`) that a Kinesis deployment never touches.
 */
export interface KafkaProducerLike {
  send(record: { topic: string; acks?: number; messages: { key: string; value: string }[] }): Promise<unknown>;
  disconnect(): Promise<void>;
}

/** Publishes to a Kafka topic, keyed by canonical symbol, waiting for all in-sync replicas. */
export class KafkaTradeSink implements TradeSink {
  readonly kind = 'kafka';
  readonly #producer: KafkaProducerLike;
  readonly #topic: string;

  constructor(producer: KafkaProducerLike, topic: string) {
    this.#producer = producer;
    this.#topic = topic;
  }

  async publish(trades: readonly UnifiedTrade[]): Promise<void> {
    await this.#producer.send({
      topic: this.#topic,
      acks: -1,
      messages: trades.map((t) => ({ key: t.symbol, value: JSON.stringify(t) })),
    });
  }

  async close(): Promise<void> {
    await this.#producer.disconnect();
  }
}
