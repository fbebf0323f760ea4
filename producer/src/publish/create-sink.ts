import { createKinesisClient } from '@coattail/connectors';
import type { Logger, Metrics } from '@coattail/runtime';
import type { ProducerConfig } from '../config.js';
import { KafkaTradeSink, KinesisTradeSink, type KafkaProducerLike, type TradeSink } from './trade-sink.js';

/**
 * The sink `SINK` names: Kinesis through the connectors' writer, or Kafka through kafkajs
 * (loaded only when asked for, so a Kinesis deployment never needs it).
 */
export async function createSink(config: ProducerConfig, logger: Logger, metrics: Metrics): Promise<TradeSink> {
  if (config.sink === 'kinesis') {
    const client = createKinesisClient({ region: config.region, ...(config.kinesisEndpoint !== undefined ? { endpoint: config.kinesisEndpoint } : {}) });
    return new KinesisTradeSink({ client, streamName: config.streamName, aggregation: config.aggregation, logger, metrics });
  }
  const { Kafka } = (await import('kafkajs')) as { Kafka: new (o: { clientId: string; brokers: string[] }) => { producer(o?: { idempotent?: boolean }): KafkaProducerLike & { connect(): Promise<void> } } };
  const producer = new Kafka({ clientId: 'coattail-producer', brokers: config.kafkaBrokers }).producer({ idempotent: true });
  await producer.connect();
  return new KafkaTradeSink(producer, config.kafkaTopic);
}
