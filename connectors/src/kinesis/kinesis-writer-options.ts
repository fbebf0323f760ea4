import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Logger, Metrics } from '@coattail/runtime';
import type { UserRecord } from './kpl-aggregation.js';

/** PutRecords limits: records per call, bytes per call, bytes per record (data plus key). */
export const KINESIS_LIMITS = {
  recordsPerCall: 500,
  bytesPerCall: 5 * 1024 * 1024,
  bytesPerRecord: 1024 * 1024,
  partitionKeyChars: 256,
} as const;

/** How a {@link KinesisWriter} batches and retries. */
export interface KinesisWriterOptions {
  client: KinesisClient;
  streamName: string;
  /**
   * KPL-compatible aggregation: many user records of one partition key per Kinesis record, sealed
   * at `maxBytes`. Readers de-aggregate (our source does; so do the KCL and Lambda). @default off
   */
  aggregation?: boolean | { maxBytes?: number };
  /** Longest a record waits in the buffer before a flush. @default 100 */
  lingerMs?: number;
  /** User records buffered (not yet acknowledged) above which `write` waits. @default 20_000 */
  maxBufferedRecords?: number;
  /**
   * Per-key order under partial failures: at most one entry per partition key per PutRecords
   * call, so a failed entry can never be overtaken by a later entry of its key that succeeded in
   * the same call (PutRecords is not atomic; no retry can undo that). Cheap with aggregation (one
   * aggregate per key per call), so it is on there by default. Without aggregation it caps a call
   * at one record per key, so it is off by default there: order then holds except across a
   * partial failure (the plain SDK loop's guarantee). @default true with aggregation, else false
   */
  strictOrder?: boolean;
  /** Attempts per entry before the writer fails. @default 12 */
  maxAttempts?: number;
  /** @default 100 */
  retryBaseMs?: number;
  /** @default 5_000 */
  retryMaxMs?: number;
  logger?: Logger;
  metrics?: Metrics;
}

/** One PutRecords entry waiting to be sent, with its attempts so far. */
export interface Entry {
  partitionKey: string;
  explicitHashKey?: string;
  data: Uint8Array;
  /** User records inside (more than one when aggregated). */
  count: number;
  attempts: number;
}

/** User records of one key being packed into one aggregated record. */
export interface Aggregate {
  records: UserRecord[];
  bytes: number;
}
