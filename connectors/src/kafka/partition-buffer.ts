import type { Timestamp } from '@coattail/runtime';

/** What the Kafka source holds for one assigned partition: fetched records not yet polled, and its flow control. */
export class PartitionBuffer<T> {
  records: T[] = [];
  offsets: bigint[] = [];
  timestamps: Timestamp[] = [];
  /** Next offset this buffer accepts (the reader's position once the buffer is empty): drops what a seek or a re-fetch repeats. -1 = not yet known. */
  next = -1n;
  /** Paused because the buffer is full. */
  paused = false;
  /** Paused because nothing may be fetched yet: assigned, but no reader has said where to start. */
  held = false;
  reader = false;
  /** kafkajs fetched this partition in this process (and moved its own position past what it fetched). */
  fetched = false;
  end: bigint | undefined;

  clear(next: bigint): void {
    this.records = [];
    this.offsets = [];
    this.timestamps = [];
    this.next = next;
  }
}
