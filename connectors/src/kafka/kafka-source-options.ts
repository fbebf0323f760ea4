import type { ConsumerConfig, Kafka } from 'kafkajs';
import type { Logger } from '@coattail/runtime';

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
  /**
   * Where a partition without a checkpointed position starts: the group's committed offset if
   * someone committed one (this source never does), else the earliest (true) or latest offset.
   * @default true
   */
  fromBeginning?: boolean;
  /** Bounded read: each partition ends at the log-end offset seen when its reader opened. @default false */
  stopAtEnd?: boolean;
  /** Messages buffered per partition above which that partition is paused. @default 10_000 */
  maxBufferedPerPartition?: number;
  /** Extra kafkajs consumer settings (session timeout, fetch sizes). */
  consumer?: Partial<ConsumerConfig>;
  /**
   * Back-off of joining the group again after a crash kafkajs does not restart from (see
   * `CrashRejoin`): first delay, doubled per failed attempt up to the maximum. @default 500 ms, 30 s
   */
  rejoin?: { initialDelayMs?: number; maxDelayMs?: number };
  logger?: Logger;
}
