import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AGGREGATE_OVERHEAD,
  aggregatedRecordSize,
  deaggregate,
  encodeAggregated,
  KPL_MAGIC,
  type UserRecord,
} from './kpl-aggregation.js';

const rec = (partitionKey: string, text: string): UserRecord => ({ partitionKey, data: Buffer.from(text) });

describe('KPL aggregation', () => {
  it('frames an aggregate as magic bytes, protobuf body and the MD5 of the body', () => {
    const out = encodeAggregated([rec('BTC', 'a'), rec('ETH', 'b')]);
    expect([...out.subarray(0, 4)]).toEqual([...KPL_MAGIC]);
    const body = out.subarray(4, out.length - 16);
    expect(Buffer.from(out.subarray(out.length - 16)).equals(createHash('md5').update(body).digest())).toBe(true);
  });

  it('matches the bytes the KPL writes for the same records', () => {
    // Hand-assembled from the KPL's messages.proto: keys table ["pk"], one record {index 0, data "hi"}.
    const body = Buffer.from([0x0a, 0x02, 0x70, 0x6b, 0x1a, 0x06, 0x08, 0x00, 0x1a, 0x02, 0x68, 0x69]);
    const expected = Buffer.concat([Buffer.from(KPL_MAGIC), body, createHash('md5').update(body).digest()]);
    expect(Buffer.from(encodeAggregated([rec('pk', 'hi')])).equals(expected)).toBe(true);
  });

  it('round-trips any records, keeping order, keys, explicit hash keys and bytes', () => {
    const record = fc.record({
      partitionKey: fc.string({ minLength: 1, maxLength: 20 }),
      data: fc.uint8Array({ maxLength: 300 }),
      explicitHashKey: fc.option(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }).map(String), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 40 }), (records) => {
        const clean = records.map((r) =>
          r.explicitHashKey === undefined ? { partitionKey: r.partitionKey, data: r.data } : r,
        );
        const back = deaggregate(encodeAggregated(clean), 'outer');
        expect(back.map((r) => ({ ...r, data: Buffer.from(r.data) }))).toEqual(
          clean.map((r) => ({ ...r, data: Buffer.from(r.data) })),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('reads a plain record, and an aggregate with a corrupt digest, as one plain record', () => {
    expect(deaggregate(Buffer.from('{"p":1}'), 'BTC')).toEqual([{ partitionKey: 'BTC', data: Buffer.from('{"p":1}') }]);
    const corrupt = encodeAggregated([rec('a', 'x'), rec('b', 'y')]);
    corrupt[corrupt.length - 1]! ^= 0xff;
    expect(deaggregate(corrupt, 'outer')).toHaveLength(1);
  });

  it('never underestimates the size a record adds to an aggregate', () => {
    const records = Array.from({ length: 50 }, (_, i) => rec(`key-${i % 7}`, 'x'.repeat(i * 13)));
    const estimate = AGGREGATE_OVERHEAD + records.reduce((n, r) => n + aggregatedRecordSize(r), 0);
    expect(encodeAggregated(records).length).toBeLessThanOrEqual(estimate);
  });
});
