import { KafkaSource, createKafkaClient, type KafkaRecord, type KafkaSourceOptions } from '@coattail/connectors';
import type { CheckpointStore, Logger, SplitDescriptor } from '@coattail/runtime';
import type { JobConfig } from './job-config.js';
import type { Envelope } from './quality-gate.js';

/** The kafkajs client a job reads with (build one with `createKafkaClient`). */
export type KafkaClient = KafkaSourceOptions<Envelope>['kafka'];

/**
 * Decodes a Kafka message as JSON; never throws (a bad payload is carried to the DLQ). Its
 * identity in the DLQ is the partition's split id (`{topic}-{partition}`) and the offset; its
 * arrival is the message timestamp, so a replay files it under the same DLQ day.
 */
export function decodeKafkaEnvelope(r: KafkaRecord): Envelope {
  const payload = r.value === null ? '' : r.value.toString('utf8');
  const base = { split: `${r.topic}-${r.partition}`, seq: r.offset, arrival: r.timestamp, payload };
  if (r.value === null) return { ...base, error: 'message has no value (a tombstone)' };
  try {
    return { ...base, value: JSON.parse(payload) as unknown };
  } catch (error) {
    return { ...base, error: error instanceof Error ? error.message : String(error) };
  }
}

/** What a job needs from its Kafka input: the source, and how the runner must use it. */
export interface KafkaJobInput {
  source: KafkaSource<Envelope>;
  /** Partitions follow the group's assignment: the runner starts and releases tasks as it moves. */
  splitFilter: (split: SplitDescriptor) => boolean;
  /** Checkpoints of partitions this worker no longer holds are refused. */
  fence: (store: CheckpointStore) => CheckpointStore;
}

/**
 * The job's Kafka input: the topic read in the job's consumer group (KAFKA_GROUP_ID, else
 * `coattail-<job>`), offsets kept only in the job's checkpoints (never committed to Kafka), a
 * partition without a checkpoint read from the earliest offset (or the latest with STREAM_START=LATEST).
 */
export function kafkaJobInput(job: string, config: JobConfig, log: Logger, kafka?: KafkaClient): KafkaJobInput {
  const client =
    kafka ?? createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: `coattail-${job}`, logger: log });
  const source = new KafkaSource<Envelope>({
    kafka: client,
    topic: config.KAFKA_TOPIC,
    groupId: config.KAFKA_GROUP_ID === '' ? `coattail-${job}` : config.KAFKA_GROUP_ID,
    deserialize: decodeKafkaEnvelope,
    fromBeginning: config.STREAM_START === 'TRIM_HORIZON',
    consumer: {
      maxWaitTimeInMs: config.KAFKA_FETCH_MAX_WAIT_MS,
      sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
      // kafkajs wants heartbeats well inside the session timeout.
      heartbeatInterval: Math.max(100, Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 10)),
      rebalanceTimeout: Math.max(config.KAFKA_SESSION_TIMEOUT_MS, 10_000),
    },
    logger: log,
  });
  return { source, splitFilter: source.owns, fence: (store) => source.fence(store) };
}
