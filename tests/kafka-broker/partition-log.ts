interface Batch {
  base: bigint;
  last: bigint;
  producerId: bigint;
  bytes: Buffer;
}

// Offsets of record-batch (magic 2) header fields; the CRC covers only what follows `attributes`,
// so rewriting the base offset keeps batches valid.
const LAST_OFFSET_DELTA = 23;
const PRODUCER_ID = 43;
const BASE_SEQUENCE = 53;

/**
 * One partition of the test fixture: record batches stored as the producer sent them (only the
 * base offset rewritten). Batches of an idempotent producer (producer id ≥ 0) are de-duplicated
 * on their sequence numbers as Kafka does, so a batch resent after a lost response is kept once.
 */
export class Partition {
  readonly batches: Batch[] = [];
  next = 0n;
  readonly waiters = new Set<() => void>();
  /** Last sequence number stored per producer id. */
  readonly #sequences = new Map<bigint, number>();

  append(recordSet: Buffer): bigint {
    const first = this.next;
    for (let pos = 0; pos + 12 <= recordSet.length;) {
      const size = 12 + recordSet.readInt32BE(pos + 8);
      const bytes = Buffer.from(recordSet.subarray(pos, pos + size));
      pos += size;
      const lastDelta = bytes.readInt32BE(LAST_OFFSET_DELTA);
      const producerId = bytes.readBigInt64BE(PRODUCER_ID);
      if (producerId >= 0n) {
        const sequence = bytes.readInt32BE(BASE_SEQUENCE);
        const last = this.#sequences.get(producerId);
        if (last !== undefined && sequence <= last) continue;
        this.#sequences.set(producerId, sequence + lastDelta);
      }
      bytes.writeBigInt64BE(this.next, 0);
      this.batches.push({ base: this.next, last: this.next + BigInt(lastDelta), producerId, bytes });
      this.next += BigInt(lastDelta) + 1n;
    }
    for (const wake of this.waiters) wake();
    return first;
  }

  read(from: bigint, maxBytes: number): Buffer {
    const out: Buffer[] = [];
    let size = 0;
    for (const b of this.batches) {
      if (b.last < from) continue;
      if (out.length > 0 && size + b.bytes.length > maxBytes) break;
      out.push(b.bytes);
      size += b.bytes.length;
    }
    return Buffer.concat(out);
  }
}
