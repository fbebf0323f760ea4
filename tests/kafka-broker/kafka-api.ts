/** The Kafka APIs the test broker answers, at which version, and what its request handlers see of it. */
import type { ConsumerGroup } from './group-coordinator.js';
import type { Partition } from './partition-log.js';
import type { WireReader, WireWriter } from './wire.js';

export const API = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  ApiVersions: 18,
  CreateTopics: 19,
  InitProducerId: 22,
} as const;
/** The one version of each API this fixture speaks (ApiVersions itself: 0 to 2). */
export const VERSIONS: Record<number, number> = {
  0: 3,
  1: 4,
  2: 1,
  3: 1,
  8: 2,
  9: 1,
  10: 0,
  11: 1,
  12: 0,
  13: 0,
  14: 0,
  18: 2,
  19: 0,
  22: 0,
};

/** The broker as a request handler sees it. */
export interface BrokerContext {
  /** The port it listens on (the one broker of its metadata, and every group's coordinator). */
  port(): number;
  /** Partitions of a topic created implicitly by Metadata or Produce. */
  readonly defaultPartitions: number;
  hasTopic(name: string): boolean;
  /** Creates a topic; false if it exists. */
  createTopic(name: string, partitions: number): boolean;
  topicNames(): string[];
  /** A topic's partitions (none for an unknown topic). */
  partitions(topic: string): Partition[];
  partition(topic: string, index: number): Partition | undefined;
  nextProducerId(): bigint;
  /** The consumer group of that id, created on first use. */
  group(id: string): ConsumerGroup;
}

/** Reads one request's body from `r` and writes the response's body to `w`. */
export type RequestHandler = (
  r: WireReader,
  w: WireWriter,
  ctx: BrokerContext,
  clientId: string,
) => void | Promise<void>;
