import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deaggregate, encodeAggregated, type UserRecord } from './kpl-aggregation.js';

/**
 * Cross-check of our KPL aggregation against AWS's own Node implementation (`aws-kinesis-agg`, the
 * module AWS Lambda examples use): whatever one side aggregates, the other de-aggregates to the
 * same keys, hash keys and bytes, in order. Its bundled typings pull in the v2 SDK, so the few calls
 * used here are typed locally.
 */
interface AwsUserRecord {
  partitionKey: string;
  explicitPartitionKey?: string;
  data: string;
}
interface AwsEncoded {
  partitionKey: string;
  explicitHashKey?: string;
  data: Buffer;
}
interface AwsKinesisAgg {
  deaggregateSync(
    record: { partitionKey: string; data: string; sequenceNumber: string },
    computeChecksums: boolean,
    done: (error: Error | null, records?: AwsUserRecord[]) => void,
  ): void;
  aggregate(
    records: { partitionKey: string; explicitHashKey?: string; data: Buffer }[],
    onEncoded: (encoded: AwsEncoded, done: (error?: Error) => void) => void,
    afterAll: () => void,
    onError: (error: Error) => void,
  ): void;
}
const agg = createRequire(import.meta.url)('aws-kinesis-agg') as AwsKinesisAgg;

function awsDeaggregate(data: Uint8Array, partitionKey: string): UserRecord[] {
  let out: UserRecord[] | undefined;
  const record = { partitionKey, data: Buffer.from(data).toString('base64'), sequenceNumber: '1' };
  agg.deaggregateSync(record, true, (error, records) => {
    if (error) throw error;
    out = (records ?? []).map((r) => ({
      partitionKey: r.partitionKey,
      data: Buffer.from(r.data, 'base64'),
      ...(r.explicitPartitionKey === undefined ? {} : { explicitHashKey: r.explicitPartitionKey }),
    }));
  });
  if (out === undefined) throw new Error('aws-kinesis-agg did not answer synchronously');
  return out;
}

function awsAggregate(records: readonly UserRecord[]): Promise<AwsEncoded[]> {
  return new Promise((resolve, reject) => {
    const encoded: AwsEncoded[] = [];
    const input = records.map((r) => ({ ...r, data: Buffer.from(r.data) }));
    agg.aggregate(
      input,
      (e, done) => {
        encoded.push(e);
        done();
      },
      () => resolve(encoded),
      reject,
    );
  });
}

const plain = (records: readonly UserRecord[]): unknown[] =>
  records.map((r) => ({
    partitionKey: r.partitionKey,
    data: [...r.data],
    ...(r.explicitHashKey === undefined ? {} : { explicitHashKey: r.explicitHashKey }),
  }));

/**
 * Records as producers make them. Two inputs are left out because aws-kinesis-agg 4.2.8 mishandles
 * them while the KPL format (and the KCL's reading of it) is clear: it builds its key tables with
 * `Object.keys`, which puts integer-like keys first in ascending order, so keys such as "10" and
 * "2", or explicit hash keys first seen out of numeric order, get their indexes swapped; and it
 * reads an absent `explicit_hash_key_index` as index 0. Partition keys here therefore start with a
 * letter (symbols do), and explicit hash keys are either absent on every record or present on every
 * record, one per partition key, ascending in order of first appearance.
 */
const partitionKey = fc.tuple(fc.constantFrom('B', 'E', 'S', 'x'), fc.string({ maxLength: 12 })).map(([a, b]) => a + b);
const userRecords = fc
  .tuple(
    fc.array(fc.record({ partitionKey, data: fc.uint8Array({ minLength: 1, maxLength: 200 }) }), {
      minLength: 1,
      maxLength: 30,
    }),
    fc.boolean(),
    fc.bigInt({ min: 0n, max: 2n ** 120n }),
  )
  .map(([records, withHashKeys, start]): UserRecord[] => {
    if (!withHashKeys) return records;
    const hashKeys = new Map<string, string>();
    return records.map((r) => {
      let key = hashKeys.get(r.partitionKey);
      if (key === undefined) hashKeys.set(r.partitionKey, (key = String(start + BigInt(hashKeys.size))));
      return { ...r, explicitHashKey: key };
    });
  });

describe('KPL aggregation, cross-checked against aws-kinesis-agg', () => {
  it('aggregates records that AWS de-aggregates to the same keys, hash keys and bytes, in order', () => {
    fc.assert(
      fc.property(userRecords, (records) => {
        expect(plain(awsDeaggregate(encodeAggregated(records), 'outer'))).toEqual(plain(records));
      }),
      { numRuns: 200 },
    );
  });

  it('de-aggregates what AWS aggregates to the records it was given', async () => {
    await fc.assert(
      fc.asyncProperty(userRecords, async (records) => {
        const encoded = await awsAggregate(records);
        const back = encoded.flatMap((e) => deaggregate(new Uint8Array(e.data), e.partitionKey, e.explicitHashKey));
        expect(plain(back)).toEqual(plain(records));
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with AWS that a plain (not aggregated) record is one record of its own', () => {
    const data = Buffer.from('{"e":"trade"}');
    expect(plain(awsDeaggregate(data, 'BTCUSDT'))).toEqual(plain(deaggregate(data, 'BTCUSDT')));
  });
});
