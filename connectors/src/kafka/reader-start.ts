import type { Kafka } from 'kafkajs';
import type { SplitPosition } from '@coattail/runtime';
import { ConnectorConfigError } from '../errors.js';
import { partitionOffsets, type PartitionBuffer } from './partition-buffer.js';

/** What positioning a new reader of one partition needs of its source. */
export interface ReaderStart {
  kafka: Kafka;
  topic: string;
  partition: number;
  splitId: string;
  fromBeginning: boolean | undefined;
  stopAtEnd: boolean | undefined;
  /** Seeks the consumer to `offset` in this partition. */
  seek: (offset: bigint) => void;
  /** Pauses or resumes fetching the partition as its buffer's flags now say. */
  release: () => void;
}

/**
 * Positions a partition's buffer for a new reader: at the checkpointed `position`, or back at the
 * configured start when this process read the partition before (nothing is taken in until that
 * offset is known and sought, else records fetched from where kafkajs stood would be buffered ahead
 * of it), and with a bounded read's end. Resolves when the reader may take records.
 */
export function startReader<T>(
  b: PartitionBuffer<T>,
  position: SplitPosition | undefined,
  s: ReaderStart,
): Promise<void> {
  let ready: Promise<void> = Promise.resolve();
  const start = (low: bigint, high: bigint): bigint => (s.fromBeginning === false ? high : low);
  if (position !== undefined && position !== null) {
    const offset = (position as { offset?: unknown }).offset;
    if (typeof offset !== 'string')
      throw new ConnectorConfigError(
        `checkpointed position of ${s.splitId} is not a Kafka offset: ${JSON.stringify(position)}`,
      );
    b.clear(BigInt(offset));
    s.seek(b.next);
  } else if (b.fetched) {
    b.clear(-1n);
    b.starting = true;
    ready = partitionOffsets(s.kafka, s.topic, s.partition)
      .then(({ low, high }) => {
        b.next = start(low, high);
        s.seek(b.next);
      })
      .finally(() => {
        b.starting = false;
        s.release();
      });
  }
  if (s.stopAtEnd === true) {
    ready = ready
      .then(() => partitionOffsets(s.kafka, s.topic, s.partition))
      .then(({ low, high }) => {
        b.end = high;
        // Nothing read yet: the split starts at the earliest (or latest) offset, so an empty range ends at once.
        if (b.next < 0n) b.next = start(low, high);
      });
  }
  return ready;
}
