import { createKinesisClient } from '@coattail/connectors';
import type { Logger, Metrics } from '@coattail/runtime';
import type { ProducerConfig } from '../config.js';
import { KafkaTradeSink, KinesisTradeSink, type KafkaProducerLike, type TradeSink } from './trade-sink.js';

/** The slice of kafkajs `createSink` uses: it is loaded only with SINK=kafka, so its types stay out of the producer. */
interface KafkaJs {
  Kafka: new (options: { clientId: string; brokers: string[]; logCreator: () => (entry: KafkaLogEntry) => void }) => {
    producer(options: {
      idempotent: boolean;
      maxInFlightRequests: number;
      createPartitioner: unknown;
    }): KafkaProducerLike & { connect(): Promise<void> };
  };
  Partitioners: { DefaultPartitioner: unknown };
}
interface KafkaLogEntry {
  namespace: string;
  /** kafkajs' logLevel: 1 error, 2 warn, 4 info, 5 debug. */
  level: number;
  log: { message: string } & Record<string, unknown>;
}

/**
 * The sink `SINK` names: Kinesis through the connectors' writer, or Kafka through kafkajs
 * (loaded only when asked for, so a Kinesis deployment never needs it).
 *
 * The Kafka producer is idempotent (the broker keeps a batch resent after a lost acknowledgement
 * once, on its producer id and sequence numbers), one request in flight so sequences stay in
 * order, and partitions with kafkajs' default partitioner: murmur2 of the key, as the Java
 * client, so a symbol's trades land where any Kafka client would put that key.
 */
export async function createSink(config: ProducerConfig, logger: Logger, metrics: Metrics): Promise<TradeSink> {
  if (config.sink === 'kinesis') {
    const client = createKinesisClient({
      region: config.region,
      ...(config.kinesisEndpoint !== undefined ? { endpoint: config.kinesisEndpoint } : {}),
    });
    return new KinesisTradeSink({
      client,
      streamName: config.streamName,
      aggregation: config.aggregation,
      logger,
      metrics,
    });
  }
  const { Kafka, Partitioners } = (await import('kafkajs')) as unknown as KafkaJs;
  const kafkaLog = logger.child({ component: 'kafkajs' });
  const logCreator =
    () =>
    ({ namespace, level, log: { message, ...extra } }: KafkaLogEntry) => {
      const entry = { namespace, ...extra };
      if (level <= 1) kafkaLog.error(entry, message);
      else if (level === 2) kafkaLog.warn(entry, message);
      else kafkaLog.debug(entry, message);
    };
  const kafka = new Kafka({ clientId: 'coattail-producer', brokers: config.kafkaBrokers, logCreator });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return new KafkaTradeSink(producer, config.kafkaTopic);
}
