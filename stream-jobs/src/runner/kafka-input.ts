import { KafkaSource, createKafkaClient, type KafkaRecord, type KafkaSourceOptions } from '@coattail/connectors';
import type { CheckpointStore, JobClient, JobResult, Logger, SplitDescriptor } from '@coattail/runtime';
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

/**
 * The client of a job reading Kafka. Its consumer leaves the group once the job is over, even if
 * it never had a partition to read (the source closes itself only with its last reader): else the
 * process stays up. A stop waits for a rebalance under way to settle first (the fence refuses
 * checkpoints meanwhile), and a stop whose final checkpoint was refused because the group moved
 * the partition away ends as stopped: the new owner resumes from the previous checkpoint, so
 * stopping without this one loses nothing.
 */
export function kafkaJobClient(
  job: JobClient,
  source: Pick<KafkaSource<Envelope>, 'settled' | 'close'>,
  o: { sessionTimeoutMs: number; logger: Logger; flush: () => Promise<void> },
): JobClient {
  let stopping = false;
  const done = job.done
    .catch((error: unknown): JobResult => {
      if (!stopping || !partitionMoved(error)) throw error;
      o.logger.warn({ err: error }, 'stopped without a final checkpoint of a partition the group moved away');
      const tasks = [...job.tasks().values()].map((t) => ({ id: t.id, status: t.status, watermark: t.watermark }));
      return { jobId: job.jobId, status: 'STOPPED', tasks };
    })
    .then(async (result) => {
      await o.flush();
      return result;
    })
    .finally(() =>
      source.close().catch((error: unknown) => o.logger.warn({ err: error }, 'leaving the consumer group failed')),
    );
  const stop = async (): Promise<JobResult> => {
    stopping = true;
    await source.settled(o.sessionTimeoutMs);
    // Whatever the runner's stop says, the outcome is `done`'s: a moved partition is a stop, not a failure.
    return job.stop().then(
      () => done,
      () => done,
    );
  };
  return { jobId: job.jobId, done, stop, tasks: () => job.tasks() };
}

/** True when `error` (or one of its causes) is the Kafka fence refusing a partition this worker no longer holds. */
function partitionMoved(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause)
    if ((e as { code?: unknown }).code === 'KAFKA_PARTITION_NOT_ASSIGNED') return true;
  return false;
}
