import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuck, tradesQuery, type DuckFixture } from '../../test/duck.js';
import { evaluateGate } from './evaluate-gate.js';
import { gateAllowsDownstream } from './gate-result.js';
import { FAILED_RULES_COLUMN, GATE_COLUMN } from './quarantine.js';

let duck: DuckFixture;
let clean: string;
let dirty: string;

beforeAll(async () => {
  duck = await openDuck();
  clean = await duck.write('clean.parquet', tradesQuery(1000));
  // Row 10 has a negative price, row 20 a null symbol, row 30 repeats row 31's id, row 40 breaks two rules.
  dirty = await duck.write(
    'dirty.parquet',
    `SELECT * REPLACE (
        CASE WHEN i IN (10, 40) THEN -price ELSE price END AS price,
        CASE WHEN i IN (20, 40) THEN NULL ELSE symbol END AS symbol,
        CASE WHEN i = 30 THEN 'binance:BTC-USDT:31' ELSE event_id END AS event_id)
     FROM (${tradesQuery(100).replace('SELECT ', 'SELECT i, ')}) ORDER BY i`,
  );
});
afterAll(() => duck.close());

const rules = [
  { type: 'not_null', column: 'symbol' },
  { type: 'bounds', column: 'price', min: 0 },
  { type: 'unique', columns: ['event_id'] },
];

describe('quality gate actions', () => {
  it('passes clean trades and reports every rule as held', async () => {
    const result = await evaluateGate(
      duck.connection,
      { name: 'trades', rules },
      { format: 'parquet', paths: [clean] },
    );
    expect(result.status).toBe('passed');
    expect(result.rowCount).toBe(1000);
    expect(result.rules.map((r) => [r.id, r.passed, r.failedCount])).toEqual([
      ['not_null(symbol)', true, 0],
      ['bounds(price)', true, 0],
      ['unique(event_id)', true, 0],
    ]);
    expect(gateAllowsDownstream(result)).toBe(true);
  });

  it('stops downstream under fail and says which rules broke on how many rows', async () => {
    const result = await evaluateGate(
      duck.connection,
      { name: 'trades', action: 'fail', rules },
      { format: 'parquet', paths: [dirty] },
    );
    expect(result.status).toBe('failed');
    expect(gateAllowsDownstream(result)).toBe(false);
    if (result.status !== 'failed') return;
    expect(result.reasons).toEqual([
      "not_null(symbol): 2 of 100 row(s) break 'symbol is not null'",
      "bounds(price): 2 of 100 row(s) break '0 ≤ price ≤ +∞'",
      "unique(event_id): 1 of 100 row(s) break '(event_id) is unique'",
    ]);
  });

  it('records broken rules under warn and lets downstream run', async () => {
    const result = await evaluateGate(
      duck.connection,
      { name: 'trades', action: 'warn', rules },
      { format: 'parquet', paths: [dirty] },
    );
    expect(result.status).toBe('warned');
    expect(gateAllowsDownstream(result)).toBe(true);
    expect(result.rules.filter((r) => !r.passed)).toHaveLength(3);
  });

  it('sets failing rows aside with the rules they broke and lets the rest continue', async () => {
    const quarantinePath = join(duck.dir, 'q', 'trades.parquet');
    const passedPath = join(duck.dir, 'ok', 'trades.parquet');
    const result = await evaluateGate(
      duck.connection,
      { name: 'trades', action: 'quarantine', rules },
      { format: 'parquet', paths: [dirty] },
      { quarantinePath, passedPath },
    );
    expect(result).toMatchObject({
      status: 'quarantined',
      quarantinedCount: 4,
      passedCount: 96,
      quarantineLocation: quarantinePath,
      passedLocation: passedPath,
    });
    const quarantined = await duck.rows(
      `SELECT i, ${FAILED_RULES_COLUMN} AS rules, ${GATE_COLUMN} AS gate FROM '${quarantinePath}' ORDER BY i`,
    );
    const ids = quarantined.map((r) => Number(r.i));
    expect(ids.filter((i) => i !== 30 && i !== 31)).toEqual([10, 20, 40]);
    expect(ids.filter((i) => i === 30 || i === 31)).toHaveLength(1);
    expect(quarantined.find((r) => Number(r.i) === 40)).toEqual({
      i: '40',
      rules: ['not_null(symbol)', 'bounds(price)'],
      gate: 'trades',
    });
    const passed = await duck.rows(`SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM '${passedPath}'`);
    expect(passed).toEqual([{ n: '96', ids: '96' }]);
    const columns = await duck.rows(`DESCRIBE SELECT * FROM '${passedPath}'`);
    expect(columns.map((c) => c.column_name)).not.toContain('__gate_unique_2');
  });

  it('quarantines without writing passing rows when no place for them is given', async () => {
    const quarantinePath = join(duck.dir, 'q2', 'trades.parquet');
    const result = await evaluateGate(
      duck.connection,
      { name: 'trades', action: 'quarantine', rules: [{ type: 'not_null', column: 'symbol' }] },
      { format: 'parquet', paths: [dirty] },
      { quarantinePath },
    );
    expect(result).toMatchObject({ status: 'quarantined', quarantinedCount: 2, passedCount: 98 });
    expect(result).not.toHaveProperty('passedLocation');
  });

  it('can move failing rows out of the files themselves, so a reader of the dataset by name sees only passing rows', async () => {
    // Two files of one dataset; file b repeats an id of file a (a duplicate across files) and has a negative price.
    const a = await duck.write('inplace-a.parquet', `SELECT 'e' || i AS event_id, 1.0 + i AS price FROM range(5) t(i)`);
    const b = await duck.write(
      'inplace-b.parquet',
      `SELECT * FROM (VALUES ('e1', 9.0), ('e7', -1.0), ('e8', 2.0)) t(event_id, price)`,
    );
    const quarantinePath = join(duck.dir, 'q-inplace', 'x.parquet');
    const result = await evaluateGate(
      duck.connection,
      { name: 'prices', action: 'quarantine', rules: [rules[1]!, rules[2]!] },
      { format: 'parquet', paths: [a, b] },
      { quarantinePath, passedInPlace: true, passedPath: join(duck.dir, 'unused.parquet') },
    );
    expect(result).toMatchObject({ status: 'quarantined', quarantinedCount: 2, passedCount: 6 });
    expect(result).not.toHaveProperty('passedLocation');
    const left = await duck.rows(`SELECT event_id FROM read_parquet(['${a}', '${b}']) ORDER BY event_id`);
    expect(left.map((r) => r.event_id)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e8']);
    // Each file keeps its own rows, and no helper column.
    const [inA, inB] = [
      await duck.rows(`SELECT count(*) AS n FROM '${a}'`),
      await duck.rows(`SELECT count(*) AS n FROM '${b}'`),
    ];
    expect(Number(inA[0]!.n) + Number(inB[0]!.n)).toBe(6);
    expect(Number(inB[0]!.n)).toBeLessThanOrEqual(2);
    expect((await duck.rows(`DESCRIBE SELECT * FROM '${b}'`)).map((c) => c.column_name)).toEqual(['event_id', 'price']);
  });

  it('rewrites CSV files in place as CSV with their delimiter', async () => {
    const csv = join(duck.dir, 'inplace.csv');
    await duck.connection.run(
      `COPY (SELECT * FROM (VALUES ('x', 1.5), ('y', -2.0)) t(id, price)) TO '${csv}' (FORMAT csv, HEADER true, DELIMITER ';')`,
    );
    const result = await evaluateGate(
      duck.connection,
      { name: 'csv', action: 'quarantine', rules: [{ type: 'bounds', column: 'price', min: 0 }] },
      { format: 'csv', paths: [csv], delimiter: ';' },
      { quarantinePath: join(duck.dir, 'q-csv', 'x.parquet'), passedInPlace: true },
    );
    expect(result).toMatchObject({ status: 'quarantined', quarantinedCount: 1 });
    expect(await readFile(csv, 'utf8')).toBe('id;price\nx;1.5\n');
  });

  it('refuses to rewrite a relation in place: it has no files', async () => {
    await expect(
      evaluateGate(
        duck.connection,
        { name: 'r', action: 'quarantine', rules: [{ type: 'not_null', column: 'k' }] },
        { format: 'relation', relation: '(SELECT 1 AS k)' },
        { quarantinePath: join(duck.dir, 'q-r', 'x.parquet'), passedInPlace: true },
      ),
    ).rejects.toThrow(/passedInPlace rewrites files, and a relation has none/);
  });

  it('fails a quarantine gate when a table rule breaks, since removing rows cannot repair it', async () => {
    const result = await evaluateGate(
      duck.connection,
      { name: 'trades', action: 'quarantine', rules: [...rules, { type: 'row_count', min: 500 }] },
      { format: 'parquet', paths: [dirty] },
      { quarantinePath: join(duck.dir, 'q3', 'x.parquet') },
    );
    expect(result.status).toBe('failed');
    if (result.status === 'failed') expect(result.reasons.at(-1)).toMatch(/table rule broke/);
  });

  it('tolerates a share of failing rows when the rule allows it (completeness)', async () => {
    const result = await evaluateGate(
      duck.connection,
      { name: 'trades', rules: [{ type: 'not_null', column: 'symbol', maxFailedRatio: 0.05 }] },
      { format: 'parquet', paths: [dirty] },
    );
    expect(result.status).toBe('passed');
    expect(result.rules[0]).toMatchObject({ failedCount: 2, expected: 'symbol is not null (tolerated: 5 %)' });
  });

  it('checks a relation on the caller connection and keys spanning several columns', async () => {
    await duck.connection.run(
      `CREATE TABLE fills AS SELECT * FROM (VALUES (1, 'a'), (1, 'b'), (1, 'a'), (NULL, NULL), (NULL, NULL)) t(k, s)`,
    );
    const result = await evaluateGate(
      duck.connection,
      {
        name: 'fills',
        action: 'warn',
        rules: [
          { type: 'unique', columns: ['k', 's'] },
          { type: 'unique', columns: ['k'] },
        ],
      },
      { format: 'relation', relation: 'fills' },
    );
    expect(result.rules.map((r) => r.failedCount)).toEqual([2, 3]);
  });
});
