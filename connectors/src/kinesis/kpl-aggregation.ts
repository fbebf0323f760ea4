import { createHash } from 'node:crypto';
import { ProtoWriter, readFields, varintSize } from './protobuf-wire.js';

/**
 * The Kinesis Producer Library's aggregated record format: magic bytes `f3 89 9a c2`, then a
 * protobuf `AggregatedRecord { repeated string partition_key_table = 1; repeated string
 * explicit_hash_key_table = 2; repeated Record records = 3 }` with `Record { uint64
 * partition_key_index = 1; uint64 explicit_hash_key_index = 2; bytes data = 3; repeated Tag tags = 4 }`,
 * then the MD5 of the protobuf bytes. Anything else is a plain record.
 */
export const KPL_MAGIC = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);
const DIGEST_BYTES = 16;

/** One record as the application wrote it (before aggregation, after de-aggregation). */
export interface UserRecord {
  partitionKey: string;
  data: Uint8Array;
  explicitHashKey?: string;
}

/** True when `data` starts with the KPL magic bytes (it may still fail the digest check). */
export function looksAggregated(data: Uint8Array): boolean {
  return data.length > KPL_MAGIC.length + DIGEST_BYTES && KPL_MAGIC.every((b, i) => data[i] === b);
}

/** Encodes user records as one KPL aggregated record. */
export function encodeAggregated(records: readonly UserRecord[]): Uint8Array {
  const keys = new Map<string, number>();
  const hashKeys = new Map<string, number>();
  for (const r of records) if (!keys.has(r.partitionKey)) keys.set(r.partitionKey, keys.size);
  for (const r of records)
    if (r.explicitHashKey !== undefined && !hashKeys.has(r.explicitHashKey))
      hashKeys.set(r.explicitHashKey, hashKeys.size);
  let estimate = 64;
  for (const r of records) estimate += r.data.length + 24;
  for (const k of keys.keys()) estimate += Buffer.byteLength(k) + 8;
  for (const k of hashKeys.keys()) estimate += k.length + 8;
  const w = new ProtoWriter(estimate);
  for (const k of keys.keys()) w.string(1, k);
  for (const k of hashKeys.keys()) w.string(2, k);
  for (const r of records) {
    // Record { 1: key index, 2: hash key index?, 3: data } written in place: its length first.
    const keyIndex = keys.get(r.partitionKey)!;
    const hashIndex = r.explicitHashKey === undefined ? undefined : hashKeys.get(r.explicitHashKey)!;
    const inner =
      1 +
      varintSize(keyIndex) +
      (hashIndex === undefined ? 0 : 1 + varintSize(hashIndex)) +
      1 +
      varintSize(r.data.length) +
      r.data.length;
    w.varint((3 << 3) | 2)
      .varint(inner)
      .uint(1, keyIndex);
    if (hashIndex !== undefined) w.uint(2, hashIndex);
    w.bytes(3, r.data);
  }
  const body = w.finish();
  const out = new Uint8Array(KPL_MAGIC.length + body.length + DIGEST_BYTES);
  out.set(KPL_MAGIC, 0);
  out.set(body, KPL_MAGIC.length);
  out.set(createHash('md5').update(body).digest(), KPL_MAGIC.length + body.length);
  return out;
}

/**
 * Bytes a record adds to an aggregate (an upper bound: its key is counted as if new), so a
 * writer can seal an aggregate before it passes a size limit.
 */
export function aggregatedRecordSize(record: UserRecord): number {
  const key = Buffer.byteLength(record.partitionKey);
  const inner = 1 + varintSize(1024) + 1 + varintSize(record.data.length) + record.data.length;
  return 1 + varintSize(key) + key + 1 + varintSize(inner) + inner;
}

/** Fixed bytes of an aggregate: magic and digest. */
export const AGGREGATE_OVERHEAD = KPL_MAGIC.length + DIGEST_BYTES;

/**
 * Splits a Kinesis record into the user records it carries: several for a valid KPL aggregate,
 * or the record itself (with `partitionKey`) when it is not one — a corrupt digest also reads as a
 * plain record, as the KPL's own de-aggregator does.
 */
export function deaggregate(data: Uint8Array, partitionKey: string, explicitHashKey?: string): UserRecord[] {
  const plain = (): UserRecord[] => [
    { partitionKey, data, ...(explicitHashKey !== undefined ? { explicitHashKey } : {}) },
  ];
  if (!looksAggregated(data)) return plain();
  const body = data.subarray(KPL_MAGIC.length, data.length - DIGEST_BYTES);
  const digest = createHash('md5').update(body).digest();
  if (!digest.equals(data.subarray(data.length - DIGEST_BYTES))) return plain();
  try {
    const keys: string[] = [];
    const hashKeys: string[] = [];
    const out: UserRecord[] = [];
    for (const f of readFields(body)) {
      if (f.wire !== 2) continue;
      if (f.field === 1) keys.push(Buffer.from(f.value).toString('utf8'));
      else if (f.field === 2) hashKeys.push(Buffer.from(f.value).toString('utf8'));
      else if (f.field === 3) {
        let keyIndex = 0;
        let hashIndex: number | undefined;
        let payload: Uint8Array = new Uint8Array();
        for (const g of readFields(f.value)) {
          if (g.field === 1 && g.wire === 0) keyIndex = g.value;
          else if (g.field === 2 && g.wire === 0) hashIndex = g.value;
          else if (g.field === 3 && g.wire === 2) payload = g.value;
        }
        const hashKey = hashIndex === undefined ? undefined : hashKeys[hashIndex];
        out.push({
          partitionKey: keys[keyIndex] ?? partitionKey,
          data: payload,
          ...(hashKey !== undefined ? { explicitHashKey: hashKey } : {}),
        });
      }
    }
    return out;
  } catch {
    return plain();
  }
}
