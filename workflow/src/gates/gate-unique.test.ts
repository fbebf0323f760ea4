import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDuck, tradesQuery, type DuckFixture } from '../../test/duck.js';
import type * as screen from './duplicate-screen.js';
import { screenDuplicates, type ScreenOutcome } from './duplicate-screen.js';
import { evaluateGate } from './evaluate-gate.js';

// The screen's outcome can be forced, to show that what it says never decides a result alone.
const forced: { outcome?: ScreenOutcome } = {};
vi.mock('./duplicate-screen.js', async (original) => {
  const actual = await original<typeof screen>();
  return {
    ...actual,
    screenDuplicates: vi.fn((...args: Parameters<typeof actual.screenDuplicates>) =>
      forced.outcome === undefined ? actual.screenDuplicates(...args) : Promise.resolve(forced.outcome),
    ),
  };
});

let duck: DuckFixture;
let first: string;
let second: string;
let csv: string;

beforeAll(async () => {
  duck = await openDuck();
  first = await duck.write('part-1.parquet', tradesQuery(300));
  // The second file repeats ids 10 and 11 of the first, and id 250 three times in all.
  second = await duck.write(
    'part-2.parquet',
    `SELECT * REPLACE (CASE WHEN i IN (300, 301) THEN 'binance:BTC-USDT:' || (i - 290)
                            WHEN i IN (302, 303) THEN 'binance:BTC-USDT:250' ELSE event_id END AS event_id)
     FROM (${tradesQuery(400).replace('SELECT ', 'SELECT i, ')}) WHERE i >= 300`,
  );
  csv = await duck.write(
    'trades.csv',
    `SELECT * REPLACE (CASE WHEN i = 7 THEN NULL WHEN i = 8 THEN 'binance:BTC-USDT:9' ELSE event_id END AS event_id)
     FROM (${tradesQuery(50).replace('SELECT ', 'SELECT i, ')})`,
    'csv',
  );
});
afterAll(() => duck.close());
beforeEach(() => {
  delete forced.outcome;
  vi.mocked(screenDuplicates).mockClear();
});

const unique = { type: 'unique', columns: ['event_id'] } as const;
const gate = (paths: string[], format: 'parquet' | 'csv' = 'parquet') =>
  evaluateGate(duck.connection, { name: 'trades', action: 'warn', rules: [unique] }, { format, paths });

describe('unique rules through the hash screen', () => {
  it('screens a Parquet key that NULLs repeat, counting them as one key', async () => {
    const nulls = await duck.write(
      'nulls.parquet',
      `SELECT CASE WHEN i % 10 = 0 THEN NULL ELSE i END AS event_id FROM range(100) t(i)`,
    );
    const result = await evaluateGate(
      duck.connection,
      { name: 'n', action: 'warn', rules: [unique] },
      { format: 'parquet', paths: [nulls] },
    );
    expect(result.rules[0]).toMatchObject({ failedCount: 9, totalCount: 100 });
    expect(screenDuplicates).toHaveBeenCalledOnce();
  });

  it('counts duplicates across the files of a dataset exactly', async () => {
    expect((await gate([first])).rules[0]).toMatchObject({ passed: true, failedCount: 0, totalCount: 300 });
    expect((await gate([first, second])).rules[0]).toMatchObject({ passed: false, failedCount: 4, totalCount: 400 });
    expect(screenDuplicates).toHaveBeenCalledTimes(2);
  });

  it('screens CSV keys in the shared scan, which a second pass would parse again', async () => {
    const result = await gate([csv], 'csv');
    expect(result.rules[0]).toMatchObject({ failedCount: 1, totalCount: 50 }); // a lone NULL key is no duplicate
    expect(screenDuplicates).not.toHaveBeenCalled();
  });

  it('passes distinct keys whose hashes collide: the exact count settles a candidate', async () => {
    forced.outcome = 'candidate';
    expect((await gate([first])).rules[0]).toMatchObject({ passed: true, failedCount: 0 });
    expect((await gate([first, second])).rules[0]).toMatchObject({ failedCount: 4 });
  });

  it('screens in DuckDB the keys of a dataset too large for the screen, with the same results', async () => {
    forced.outcome = 'too_many';
    expect((await gate([first])).rules[0]).toMatchObject({ passed: true, failedCount: 0 });
    expect((await gate([first, second])).rules[0]).toMatchObject({ failedCount: 4 });
  });
});
