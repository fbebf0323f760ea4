import type { Batch, Kafka } from 'kafkajs';
import type { SplitBatch, Timestamp } from '@coattail/runtime';
import type { KafkaRecord } from './kafka-source-options.js';

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
  /** Paused while a reader without a position looks up where the partition starts. */
  starting = false;
  reader = false;
  /** The group took the partition away while its reader was open: that reader's close is a release, not the job's end. */
  lostWhileRead = false;
  /** Assigned again while the reader from before it was lost is open: that reader gets nothing, its task is released. */
  revoked = false;
  /** kafkajs fetched this partition in this process (and moved its own position past what it fetched). */
  fetched = false;
  end: bigint | undefined;

  /** Nothing may be fetched for this partition now. */
  get blocked(): boolean {
    return this.held || this.paused || this.starting;
  }

  clear(next: bigint): void {
    this.records = [];
    this.offsets = [];
    this.timestamps = [];
    this.next = next;
  }

  /** Buffers a fetched batch's records from `next` on (what a seek or a re-fetch repeats is dropped). */
  append(batch: Batch, deserialize: (record: KafkaRecord) => T): void {
    for (const m of batch.messages) {
      const offset = BigInt(m.offset);
      if (offset < this.next) continue;
      this.next = offset + 1n;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.headers ?? {}))
        if (v !== undefined) headers[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
      const timestamp = Number(m.timestamp);
      const { topic, partition } = batch;
      this.records.push(
        deserialize({ topic, partition, offset: m.offset, key: m.key, value: m.value, timestamp, headers }),
      );
      this.offsets.push(offset);
      this.timestamps.push(timestamp);
    }
  }

  /** Hands out up to `max` buffered records, with the position after the last and, past `end`, the split's end. */
  take(max: number): SplitBatch<T> {
    const n = Math.min(max, this.records.length);
    const records = this.records.splice(0, n);
    const timestamps = this.timestamps.splice(0, n);
    const last = this.offsets.splice(0, n).at(-1);
    const batch: SplitBatch<T> = {
      records,
      timestamps,
      ...(last !== undefined ? { position: { offset: String(last + 1n) } } : {}),
    };
    const next = last !== undefined ? last + 1n : this.next;
    if (this.end !== undefined && this.records.length === 0 && next >= this.end) batch.end = { children: [] };
    return batch;
  }
}

/** The earliest and the log-end offset of one partition. */
export async function partitionOffsets(
  kafka: Kafka,
  topic: string,
  partition: number,
): Promise<{ low: bigint; high: bigint }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const o = offsets.find((x) => x.partition === partition);
    return { low: BigInt(o?.low ?? '0'), high: BigInt(o?.high ?? '0') };
  } finally {
    await admin.disconnect();
  }
}
