import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuck, tradesQuery, type DuckFixture } from '../../test/duck.js';
import { GateConfigError } from './errors.js';
import { evaluateGate } from './evaluate-gate.js';
import type { GateResult } from './gate-result.js';

let duck: DuckFixture;
let trades: string;

beforeAll(async () => {
  duck = await openDuck();
  trades = await duck.write('trades.parquet', tradesQuery(5000));
});
afterAll(() => duck.close());

function reasonsOf(result: GateResult): readonly string[] {
  expect(result.status).toBe('failed');
  return result.status === 'failed' ? result.reasons : [];
}

/** A Parquet file whose footer is intact but whose data pages are overwritten with garbage. */
async function corruptPages(name: string): Promise<string> {
  const path = await duck.write(name, tradesQuery(5000));
  const bytes = await readFile(path);
  bytes.fill(0xff, 4, Math.floor(bytes.length * 0.6));
  await writeFile(path, bytes);
  return path;
}

describe('gate error paths', () => {
  it('rejects a misdeclared gate listing every issue', async () => {
    const bad = {
      name: '',
      action: 'drop',
      rules: [
        { type: 'bounds', column: 'p' },
        { type: 'regex', column: 'x', pattern: '(' },
      ],
    };
    await expect(evaluateGate(duck.connection, bad, { format: 'parquet', paths: [trades] })).rejects.toThrow(
      /gate config is invalid: name: .*action: .*rules.0: bounds needs min, max or both.*rules.1.pattern: not a regular expression/,
    );
    await expect(evaluateGate(duck.connection, { name: 'g' }, { format: 'parquet', paths: [] })).rejects.toThrow(
      '(root): a gate needs at least one rule or a definition',
    );
    await expect(
      evaluateGate(duck.connection, { name: 'g', rules: [{ type: 'row_count' }] }, { format: 'x' }),
    ).rejects.toThrow(GateConfigError);
  });

  it('rejects an input that is not declared correctly', async () => {
    await expect(
      evaluateGate(duck.connection, { name: 'g', rules: [{ type: 'row_count', min: 1 }] }, { format: 'csv' }),
    ).rejects.toThrow("input of gate 'g' is invalid: paths:");
    await expect(
      evaluateGate(duck.connection, { name: 'g', rules: [{ type: 'row_count', min: 1 }] }, null),
    ).rejects.toThrow("input of gate 'g' is invalid: (root):");
  });

  it('refuses a quarantine gate with nowhere to put the rows', async () => {
    await expect(
      evaluateGate(
        duck.connection,
        { name: 'g', action: 'quarantine', rules: [{ type: 'row_count', min: 1 }] },
        { format: 'parquet', paths: [trades] },
      ),
    ).rejects.toThrow("gate 'g' quarantines failing rows: pass quarantinePath");
  });

  it('fails on an empty input: no files, or a file without rows below the expected count', async () => {
    const gate = {
      name: 'g',
      rules: [
        { type: 'not_null', column: 'x' },
        { type: 'row_count', min: 1 },
      ],
    };
    expect(reasonsOf(await evaluateGate(duck.connection, gate, { format: 'parquet', paths: [] }))).toEqual([
      'the input is empty: no files to check',
    ]);
    const empty = await duck.write('empty.parquet', 'SELECT 1 AS x WHERE false');
    const result = await evaluateGate(duck.connection, gate, { format: 'parquet', paths: [empty] });
    expect(reasonsOf(result)).toEqual(['row_count: 0 rows, expected 1 ≤ rows']);
    expect(result.rules[0]).toMatchObject({ passed: true, failedCount: 0 });
  });

  it('names a bad SQL predicate and a rule on a missing column, and fails whatever the action', async () => {
    const result = await evaluateGate(
      duck.connection,
      {
        name: 'g',
        action: 'warn',
        rules: [
          { type: 'sql', predicate: 'price > AND 0' },
          { type: 'bounds', column: 'venue', min: 0 },
          { type: 'not_null', column: 'price' },
          { type: 'freshness', column: 'venue', maxAgeMs: 1 },
        ],
      },
      { format: 'parquet', paths: [trades] },
    );
    const reasons = reasonsOf(result);
    expect(reasons[0]).toMatch(/^rule sql\(price > AND 0\) cannot be evaluated: Parser Error/);
    expect(reasons[1]).toBe(
      "rule bounds(venue) column(s) 'venue' not in the input (it has event_id, exchange, symbol, side, price, quantity, quote_volume, event_time_ms, event_time)",
    );
    expect(reasons).toHaveLength(3);
    expect(result.rules.map((r) => r.scope)).toEqual(['row', 'row', 'row', 'table']);
    expect(result.rules[2]).toMatchObject({ passed: true });
  });

  it('names the rule whose predicate fails while running, and still measures the others', async () => {
    const result = await evaluateGate(
      duck.connection,
      {
        name: 'g',
        rules: [
          { type: 'sql', predicate: 'CAST(symbol AS INTEGER) > 0' },
          { type: 'bounds', column: 'price', min: 0 },
          { type: 'row_count', min: 1 },
          { type: 'not_null', column: 'venue' },
        ],
      },
      { format: 'parquet', paths: [trades] },
    );
    expect(reasonsOf(result)).toEqual([
      expect.stringMatching(/^rule sql\(CAST\(symbol AS INTEGER\) > 0\) cannot be evaluated: Conversion Error/),
      expect.stringMatching(/^rule not_null\(venue\) column/),
    ]);
    expect(result.rules[1]).toMatchObject({ passed: true, totalCount: 5000 });
  });

  it('flags a column of mixed types in a CSV, and quarantines the rows that are not numbers', async () => {
    const csv = await duck.write(
      'mixed.csv',
      `SELECT i AS id, CASE WHEN i IN (3, 7) THEN 'n/a' ELSE CAST(i * 1.5 AS VARCHAR) END AS price FROM range(10) t(i)`,
      'csv',
    );
    const quarantinePath = join(duck.dir, 'mixed-q.parquet');
    const input = { format: 'csv', paths: [csv] };
    const schema = { type: 'schema', columns: [{ name: 'price', type: 'number' }] };
    const warned = await evaluateGate(duck.connection, { name: 'g', action: 'warn', rules: [schema] }, input);
    expect(warned.rules[0]!.message).toBe(
      `schema differs: column 'price' mixes types: 2 value(s) are not number (e.g. ["n/a"])`,
    );
    const result = await evaluateGate(
      duck.connection,
      { name: 'g', action: 'quarantine', rules: [{ type: 'bounds', column: 'price', min: 0 }] },
      input,
      { quarantinePath },
    );
    expect(result).toMatchObject({ status: 'quarantined', quarantinedCount: 2, passedCount: 8 });
    expect(await duck.rows(`SELECT id FROM '${quarantinePath}' ORDER BY id`)).toEqual([{ id: '3' }, { id: '7' }]);
  });

  it('names a file that cannot be opened among several', async () => {
    const garbage = join(duck.dir, 'garbage.parquet');
    await writeFile(garbage, 'this is not parquet');
    const gate = { name: 'g', rules: [{ type: 'row_count', min: 1 }] };
    const reasons = reasonsOf(
      await evaluateGate(duck.connection, gate, { format: 'parquet', paths: [trades, garbage] }),
    );
    expect(reasons).toEqual([expect.stringMatching(new RegExp(`^cannot read ${garbage}: `))]);
    const missing = reasonsOf(
      await evaluateGate(duck.connection, gate, { format: 'relation', relation: 'no_such_table' }),
    );
    expect(missing).toEqual([expect.stringMatching(/^cannot read the input: Catalog Error/)]);
  });

  it('names a file whose data pages are corrupted though its footer reads', async () => {
    const corrupted = await corruptPages('corrupt.parquet');
    const gate = { name: 'g', rules: [{ type: 'bounds', column: 'price', min: 0 }] };
    const reasons = reasonsOf(
      await evaluateGate(duck.connection, gate, { format: 'parquet', paths: [trades, corrupted] }),
    );
    expect(reasons).toEqual([expect.stringMatching(new RegExp(`^cannot read ${corrupted}: `))]);
  });

  it('names a corrupted file that only a unique rule reads rows of', async () => {
    const corrupted = await corruptPages('corrupt-unique.parquet');
    const gate = { name: 'g', action: 'warn', rules: [{ type: 'unique', columns: ['event_id'] }] };
    const reasons = reasonsOf(
      await evaluateGate(duck.connection, gate, { format: 'parquet', paths: [trades, corrupted] }),
    );
    expect(reasons).toEqual([expect.stringMatching(new RegExp(`^cannot read ${corrupted}: `))]);
  });

  it('fails a schema rule it cannot evaluate on a corrupted column', async () => {
    const corrupted = await corruptPages('corrupt-2.parquet');
    const result = await evaluateGate(
      duck.connection,
      { name: 'g', rules: [{ type: 'schema', columns: [{ name: 'symbol', type: 'integer' }] }] },
      { format: 'parquet', paths: [corrupted] },
    );
    expect(reasonsOf(result)).toEqual([expect.stringMatching(/^rule schema cannot be evaluated: /)]);
  });

  it('fails when the input breaks while being read and no file is to blame', async () => {
    await duck.connection.run(`CREATE TABLE raw AS SELECT 'x' AS v`);
    await duck.connection.run(`CREATE VIEW broken AS SELECT * FROM raw WHERE CAST(v AS INTEGER) > 0`);
    const result = await evaluateGate(
      duck.connection,
      { name: 'g', rules: [{ type: 'row_count', min: 1 }] },
      { format: 'relation', relation: 'broken' },
    );
    expect(reasonsOf(result)).toEqual([expect.stringMatching(/^cannot read the input: Conversion Error/)]);
  });

  it('fails when the quarantine dataset cannot be written', async () => {
    const result = await evaluateGate(
      duck.connection,
      { name: 'g', action: 'quarantine', rules: [{ type: 'bounds', column: 'price', max: 0 }] },
      { format: 'parquet', paths: [trades] },
      { quarantinePath: join(trades, 'q.parquet') },
    );
    expect(reasonsOf(result).at(-1)).toMatch(/^cannot write the quarantine dataset to .*q\.parquet: /);
  });
});
