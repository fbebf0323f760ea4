import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provenRules, recording } from './proofs.test-support.js';
import { openDuck, type DuckFixture } from '../../test/duck.js';
import { evaluateGate, type EvaluateGateOptions } from './evaluate-gate.js';
import type { GateRuleInput } from './gate-config.js';
import { gateInputSchema, type GateInputOptions } from './gate-input.js';
import type { GateResult } from './gate-result.js';
import { proveFromFooters } from './footer-proofs.js';

let duck: DuckFixture;

/** 10 000 trades in row groups of 2 048: ids, prices ≥ 1, quantities 1–9, event times in 2026. */
const tradesSql = `SELECT 'T' || i AS event_id, (1.0 + (i % 97))::DOUBLE AS price, CAST(i % 9 + 1 AS INTEGER) AS qty,
    TIMESTAMP '2026-01-01' + to_seconds(i) AS event_time, CASE WHEN i % 2 = 0 THEN 'buy' ELSE 'sell' END AS side
  FROM range(10000) t(i)`;

async function writeGroups(name: string, sql: string): Promise<string> {
  const path = join(duck.dir, name);
  await duck.connection.run(`COPY (${sql}) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
  return path;
}

beforeAll(async () => {
  duck = await openDuck();
});
afterAll(() => duck.close());

const withoutTime = ({ durationMs: _, ...rest }: GateResult) => rest;

/** The gate's result with footer proofs and with a full scan, which must agree. */
async function bothWays(rules: GateRuleInput[], input: GateInputOptions, options: EvaluateGateOptions = {}) {
  const gate = { name: 'trades', action: 'warn', rules };
  const proved = await evaluateGate(duck.connection, gate, input, options);
  const scanned = await evaluateGate(duck.connection, gate, input, { ...options, footerStatistics: false });
  expect(withoutTime(proved)).toEqual(withoutTime(scanned));
  return proved;
}

/** The ids of the rules the footers of `paths` prove. */
async function proven(paths: string[], rules: GateRuleInput[]): Promise<string[]> {
  return provenRules(duck.connection, paths, rules);
}

describe('gate rules proven from Parquet footers', () => {
  it('proves not_null, bounds and row_count from the footers and reads no row, with the verdict of a full scan', async () => {
    const path = await writeGroups('clean.parquet', tradesSql);
    expect(await duck.rows(`SELECT count(*) AS groups FROM parquet_metadata('${path}') WHERE column_id = 0`)).toEqual([
      { groups: '5' },
    ]);
    const rules: GateRuleInput[] = [
      { type: 'not_null', column: 'event_id' },
      { type: 'not_null', column: 'price' },
      { type: 'bounds', column: 'price', min: 0 },
      { type: 'bounds', column: 'qty', min: 1, max: 9 },
      { type: 'bounds', column: 'event_time', min: '2026-01-01T00:00:00Z', max: '2026-01-02T00:00:00Z' },
      { type: 'row_count', min: 10000, max: 10000 },
    ];
    const input = { format: 'parquet' as const, paths: [path] };
    const result = await bothWays(rules, input);
    expect(result).toMatchObject({ status: 'passed', rowCount: 10000 });
    expect(result.rules.map((r) => [r.id, r.failedCount, r.totalCount])).toEqual([
      ['not_null(event_id)', 0, 10000],
      ['not_null(price)', 0, 10000],
      ['bounds(price)', 0, 10000],
      ['bounds(qty)', 0, 10000],
      ['bounds(event_time)', 0, 10000],
      ['row_count', 0, 10000],
    ]);
    const spy = recording(duck.connection);
    await evaluateGate(spy.connection, { name: 'trades', rules }, input);
    expect(spy.sql.filter((s) => /count\(\*\) AS n/.test(s))).toEqual([]);
  });

  it('scans for what the footers cannot prove and reads only those columns', async () => {
    const path = await writeGroups('mixed.parquet', tradesSql);
    const spy = recording(duck.connection);
    const rules = [
      { type: 'not_null', column: 'event_id' },
      { type: 'regex', column: 'side', pattern: 'buy|sell' },
    ];
    const result = await evaluateGate(spy.connection, { name: 'trades', rules }, { format: 'parquet', paths: [path] });
    expect(result.status).toBe('passed');
    const scans = spy.sql.filter((s) => /count\(\*\) AS n/.test(s));
    expect(scans).toHaveLength(1);
    expect(scans[0]).toContain('"side"');
    expect(scans[0]).not.toContain('"event_id"');
  });

  it('falls back to the scan for a file written without statistics, counting failures exactly', async () => {
    const path = join(duck.dir, 'no-stats.parquet');
    parquetWriteFile({
      filename: path,
      statistics: false,
      columnData: [
        { name: 'price', data: [1.5, null, -2, 4], type: 'DOUBLE' },
        { name: 'qty', data: [1n, 2n, 3n, 40n], type: 'INT64' },
      ],
    });
    const rules: GateRuleInput[] = [
      { type: 'not_null', column: 'price' },
      { type: 'bounds', column: 'price', min: 0 },
      { type: 'bounds', column: 'qty', min: 1, max: 9 },
    ];
    expect(await proven([path], rules)).toEqual([]);
    const result = await bothWays(rules, { format: 'parquet', paths: [path] });
    expect(result.rules.map((r) => [r.id, r.failedCount])).toEqual([
      ['not_null(price)', 1],
      ['bounds(price)', 1],
      ['bounds(qty)', 1],
    ]);
    // One file with statistics beside one without: only the scan can speak for both.
    const clean = await writeGroups('clean-beside.parquet', `SELECT 2.0::DOUBLE AS price, 3::BIGINT AS qty`);
    expect(await proven([clean], rules)).toEqual(['bounds(price)', 'bounds(qty)', 'not_null(price)']);
    expect(await proven([clean, path], rules)).toEqual([]);
  });

  it('reports the exact failing rows when a row group’s min/max fall outside the bounds', async () => {
    const path = await writeGroups(
      'negative.parquet',
      `SELECT * REPLACE (CASE WHEN qty = 3 AND event_id < 'T2' THEN -price ELSE price END AS price) FROM (${tradesSql})`,
    );
    const rules: GateRuleInput[] = [
      { type: 'bounds', column: 'price', min: 0 },
      { type: 'bounds', column: 'qty', min: 1, max: 9 },
    ];
    expect(await proven([path], rules)).toEqual(['bounds(qty)']);
    const quarantinePath = join(duck.dir, 'negative-q.parquet');
    const result = await bothWays(rules, { format: 'parquet', paths: [path] }, { quarantinePath });
    const expected = await duck.rows(`SELECT count(*) AS n FROM '${path}' WHERE price < 0`);
    expect(Number(expected[0]!.n)).toBeGreaterThan(100);
    expect(result.rules[0]).toMatchObject({ passed: false, failedCount: Number(expected[0]!.n) });
    expect(result.rules[1]).toMatchObject({ passed: true, failedCount: 0 });
    const quarantined = await evaluateGate(
      duck.connection,
      { name: 'trades', action: 'quarantine', rules },
      { format: 'parquet', paths: [path] },
      { quarantinePath },
    );
    expect(quarantined).toMatchObject({ status: 'quarantined', quarantinedCount: Number(expected[0]!.n) });
    expect(await duck.rows(`SELECT count(*) AS n FROM '${quarantinePath}' WHERE price >= 0`)).toEqual([{ n: '0' }]);
  });

  it('counts nulls exactly where a row group holds some, and trusts groups of nulls only for bounds', async () => {
    const path = await writeGroups(
      'nulls.parquet',
      `SELECT * REPLACE (CASE WHEN i BETWEEN 3000 AND 3006 THEN NULL ELSE price END AS price,
          CASE WHEN i < 2048 THEN NULL ELSE qty END AS qty)
       FROM (${tradesSql.replace('SELECT ', 'SELECT i, ')})`,
    );
    const rules: GateRuleInput[] = [
      { type: 'not_null', column: 'price' },
      { type: 'not_null', column: 'event_id' },
      { type: 'bounds', column: 'qty', min: 1, max: 9 },
      { type: 'not_null', column: 'qty', maxFailedRatio: 0.5 },
    ];
    expect(await proven([path], rules)).toEqual(['bounds(qty)', 'not_null(event_id)']);
    const result = await bothWays(rules, { format: 'parquet', paths: [path] });
    expect(result.rules.map((r) => [r.id, r.failedCount, r.passed])).toEqual([
      ['not_null(price)', 7, false],
      ['not_null(event_id)', 0, true],
      ['bounds(qty)', 0, true],
      ['not_null(qty)', 2048, true],
    ]);
  });

  it('trusts min/max only where they order values as the rule compares them', async () => {
    const path = await writeGroups(
      'types.parquet',
      `SELECT i::DOUBLE AS d, i::FLOAT AS f, i::UINTEGER AS u, (i / 4)::DECIMAL(9, 2) AS dec, 'v' || i AS s,
         DATE '2026-01-01' + (i % 300)::INTEGER AS day, TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(i) AS tz,
         TIMESTAMP_NS '2026-01-01 00:00:00.000000001' AS ns, {'a': i} AS nested_cell
       FROM range(1, 3000) t(i)`,
    );
    const flat = await writeGroups('types-flat.parquet', `SELECT * EXCLUDE (nested_cell) FROM '${path}'`);
    const rules: GateRuleInput[] = [
      { type: 'bounds', column: 'd', min: 0 },
      { type: 'bounds', column: 'd', id: 'd max', max: 1e9 },
      { type: 'bounds', column: 'f', min: 0 },
      { type: 'bounds', column: 'u', min: 0 },
      { type: 'bounds', column: 'dec', min: 0, max: 1000 },
      { type: 'bounds', column: 's', min: 0 },
      { type: 'bounds', column: 's', id: 's text', min: 'a', max: 'z' },
      { type: 'bounds', column: 'day', min: '2026-01-01', max: '2026-12-31' },
      { type: 'bounds', column: 'day', id: 'day number', min: 0 },
      { type: 'bounds', column: 'tz', min: '2026-01-01T00:00:00Z' },
      { type: 'bounds', column: 'ns', min: '2026-01-01T00:00:00Z', max: '2026-01-02T00:00:00Z' },
      { type: 'not_null', column: 's' },
      { type: 'not_null', column: 'missing' },
    ];
    expect(await proven([flat], rules)).toEqual([
      'bounds(d)',
      'bounds(day)',
      'bounds(dec)',
      'bounds(f)',
      'bounds(ns)',
      'not_null(s)',
    ]);
    // A nested column's leaves are not named by their column: such files prove nothing.
    expect(await proven([path], rules)).toEqual([]);
    const result = await bothWays(
      rules.filter((r) => !('column' in r) || r.column !== 'missing'),
      { format: 'parquet', paths: [flat] },
    );
    expect(result.rules.filter((r) => !r.passed).map((r) => r.id)).toEqual(['bounds(s)', 'day number']);
  });

  it('proves nothing where files disagree on a column, and scans them exactly', async () => {
    const doubles = await writeGroups('a.parquet', `SELECT 1.5::DOUBLE AS price, 'x' AS extra`);
    const integers = await writeGroups('b.parquet', `SELECT -3::BIGINT AS price`);
    const rules: GateRuleInput[] = [
      { type: 'bounds', column: 'price', min: 0 },
      { type: 'not_null', column: 'extra' },
    ];
    expect(await proven([doubles], rules)).toEqual(['bounds(price)', 'not_null(extra)']);
    expect(await proven([doubles, integers], rules)).toEqual([]);
    const result = await bothWays(rules, { format: 'parquet', paths: [doubles, integers] });
    expect(result.rules.map((r) => r.failedCount)).toEqual([1, 1]);
  });

  it('does not trust the footer for a column DuckDB reads from a key=value folder', async () => {
    const folder = join(duck.dir, 'qty=99');
    await mkdir(folder);
    const path = join(folder, 'part.parquet');
    await duck.connection.run(`COPY (SELECT 5::BIGINT AS qty, 1.5::DOUBLE AS price) TO '${path}' (FORMAT parquet)`);
    const rules: GateRuleInput[] = [
      { type: 'bounds', column: 'qty', min: 1, max: 9 },
      { type: 'bounds', column: 'price', min: 0 },
    ];
    expect(await proven([path], rules)).toEqual(['bounds(price)']);
    const result = await bothWays(rules, { format: 'parquet', paths: [path] });
    expect(result.rules.map((r) => [r.id, r.failedCount])).toEqual([
      ['bounds(qty)', 1],
      ['bounds(price)', 0],
    ]);
  });

  it('leaves CSV files, relations and unreadable footers to the scan', async () => {
    const csv = await duck.write('trades.csv', tradesSql, 'csv');
    const rules: GateRuleInput[] = [
      { type: 'not_null', column: 'price' },
      { type: 'bounds', column: 'qty', min: 2 },
      { type: 'row_count', min: 1 },
    ];
    const fromCsv = await bothWays(rules, { format: 'csv', paths: [csv] });
    expect(fromCsv.rules.map((r) => [r.id, r.failedCount])).toEqual([
      ['not_null(price)', 0],
      ['bounds(qty)', 1112],
      ['row_count', 0],
    ]);
    await duck.connection.run(`CREATE TABLE footer_trades AS ${tradesSql}`);
    const fromTable = await bothWays(rules, { format: 'relation', relation: 'footer_trades' });
    expect(withoutTime(fromTable).rules).toEqual(fromCsv.rules);
    const garbage = join(duck.dir, 'garbage.parquet');
    await writeFile(garbage, 'not parquet at all');
    const input = gateInputSchema.parse({ format: 'parquet', paths: [garbage] });
    expect(await proveFromFooters(duck.connection, input, [], [])).toBeUndefined();
  });
});
