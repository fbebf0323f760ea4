import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuck, tradesQuery, type DuckFixture } from '../../test/duck.js';
import { HashScreen, screenDuplicates } from './duplicate-screen.js';

let duck: DuckFixture;
let distinct: string;
let repeated: string;

beforeAll(async () => {
  duck = await openDuck();
  distinct = await duck.write('distinct.parquet', tradesQuery(5000));
  // Row 4321 repeats row 17's id.
  repeated = await duck.write(
    'repeated.parquet',
    `SELECT * REPLACE (CASE WHEN i = 4321 THEN 'binance:BTC-USDT:17' ELSE event_id END AS event_id)
     FROM (${tradesQuery(5000).replace('SELECT ', 'SELECT i, ')})`,
  );
});
afterAll(() => duck.close());

/** Word pairs (low, high) of 64-bit values. */
const words = (...values: bigint[]) => new Uint32Array(new BigUint64Array(values).buffer);

describe('hash screen', () => {
  it('finds two equal 64-bit hashes among distinct ones, the hash 0 included', () => {
    const spread = Array.from({ length: 3000 }, (_, i) => BigInt(i) * 0x9e3779b97f4a7c15n);
    const all = spread.map((v) => BigInt.asUintN(64, v));
    const screen = new HashScreen(all.length);
    screen.add(words(...all));
    expect(screen.count).toBe(3000);
    expect(screen.hasEqualPair()).toBe(false); // 0 (i = 0) once is no duplicate

    const again = new HashScreen(all.length);
    again.add(words(...all, all[2999]!));
    expect(again.hasEqualPair()).toBe(true);
    const zeroTwice = new HashScreen(2);
    zeroTwice.add(words(0n, 5n, 0n));
    expect(zeroTwice.hasEqualPair()).toBe(true);
  });

  it('tells hashes apart that differ in one word only, and grows past the keys it expected', () => {
    // Same high word (one partition), low words colliding on their low bits: probing must compare both words.
    const samePartition = Array.from({ length: 500 }, (_, i) => (7n << 32n) | (BigInt(i) << 20n));
    const screen = new HashScreen(0);
    screen.add(words(...samePartition, (8n << 32n) | 0n, 8n << 32n));
    expect(screen.count).toBe(502);
    expect(screen.hasEqualPair()).toBe(true);
    const unique = new HashScreen(0);
    unique.add(words(...samePartition, 9n << 32n));
    expect(unique.hasEqualPair()).toBe(false);
  });
});

describe('screenDuplicates', () => {
  const from = (path: string) => `read_parquet('${path}')`;

  it('proves distinct keys and flags a repeated key', async () => {
    expect(await screenDuplicates(duck.connection, from(distinct), ['event_id'], 5000)).toBe('distinct');
    expect(await screenDuplicates(duck.connection, from(repeated), ['event_id'], 5000)).toBe('candidate');
    expect(await screenDuplicates(duck.connection, from(distinct), ['exchange', 'event_id'], 5000)).toBe('distinct');
    expect(await screenDuplicates(duck.connection, from(distinct), ['exchange', 'side'], 5000)).toBe('candidate');
  });

  it('gives the same verdicts when the hashes are streamed, as they are for more keys than it materializes', async () => {
    const streamed = { materializeMaxKeys: 0 };
    expect(await screenDuplicates(duck.connection, from(distinct), ['event_id'], 5000, streamed)).toBe('distinct');
    expect(await screenDuplicates(duck.connection, from(repeated), ['event_id'], 5000, streamed)).toBe('candidate');
    // A row count that undercounts the keys: the screen stops once it holds more than its limit.
    expect(
      await screenDuplicates(duck.connection, from(distinct), ['event_id'], 100, { ...streamed, maxKeys: 3000 }),
    ).toBe('too_many');
    expect(await duck.rows(`SELECT count(*)::INTEGER AS n FROM ${from(distinct)}`)).toEqual([{ n: 5000 }]);
  });

  it('reports a collision of distinct keys as a candidate only', async () => {
    expect(
      await screenDuplicates(duck.connection, from(distinct), ['event_id'], 5000, { keyHash: '42::UBIGINT' }),
    ).toBe('candidate');
  });

  it('leaves more keys than it holds to DuckDB, before or while reading', async () => {
    expect(await screenDuplicates(duck.connection, from(distinct), ['event_id'], 5000, { maxKeys: 4999 })).toBe(
      'too_many',
    );
    // A row count that undercounts the keys: the screen does not take on more keys than its limit.
    expect(await screenDuplicates(duck.connection, from(distinct), ['event_id'], 100, { maxKeys: 3000 })).toBe(
      'too_many',
    );
    // The connection stays usable after a result left unread.
    expect(await duck.rows(`SELECT count(*)::INTEGER AS n FROM ${from(distinct)}`)).toEqual([{ n: 5000 }]);
  });
});
