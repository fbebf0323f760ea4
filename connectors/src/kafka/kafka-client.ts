import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import { silentLogger, type Logger } from '@coattail/runtime';

/** How to reach a Kafka cluster. */
export interface KafkaClientOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: readonly string[];
  clientId: string;
  /** kafkajs' errors and warnings go here (info and below at debug). @default silent */
  logger?: Logger;
  /** Extra kafkajs settings (retry, timeouts). */
  config?: Partial<KafkaConfig>;
}

/**
 * A kafkajs client whose log goes to our logger, for the Kafka source and sink: jobs and tools
 * build it here, so kafkajs stays a dependency of the connectors alone.
 */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  const log = (options.logger ?? silentLogger).child({ component: 'kafkajs' });
  const logCreator =
    () =>
    ({ namespace, level, log: { message, ...extra } }: LogEntry): void => {
      const entry = { namespace, ...extra };
      if (level === logLevel.ERROR) log.error(entry, message);
      else if (level === logLevel.WARN) log.warn(entry, message);
      else log.debug(entry, message);
    };
  return new Kafka({ clientId: options.clientId, brokers: [...options.brokers], logCreator, ...options.config });
}
