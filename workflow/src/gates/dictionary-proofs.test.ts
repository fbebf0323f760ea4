import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provenRules, recording } from './proofs.test-support.js';
import { openDuck, type DuckFixture } from '../../test/duck.js';
import { localPath, proveFromDictionaries } from './dictionary-proofs.js';
import { evaluateGate } from './evaluate-gate.js';
import type { GateRuleInput } from './gate-config.js';
import type { GateResult } from './gate-result.js';

let duck: DuckFixture;
beforeAll(async () => {
  duck = await openDuck();
});
afterAll(() => duck.close());

/** 10 000 trades: dictionary-encoded side, exchange and venue code; ids every row its own. */
const tradesSql = `SELECT 'T' || i AS event_id, CASE WHEN i % 2 = 0 THEN 'buy' ELSE 'sell' END AS side,
    CASE WHEN i % 10 < 7 THEN 'binance' ELSE 'coinbase' END AS exchange, CAST(i % 3 AS INTEGER) AS venue
  FROM range(10000) t(i)`;

async function write(name: string, sql: string, options = ''): Promise<string> {
  const path = join(duck.dir, name);
  await duck.connection.run(`COPY (${sql}) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 2048${options})`);
  return path;
}

const rules: GateRuleInput[] = [
  { type: 'allowed_values', column: 'side', values: ['buy', 'sell'] },
  { type: 'allowed_values', column: 'exchange', values: ['binance', 'coinbase', 7] },
];

/** The ids of the rules the files' footers and dictionaries prove. */
async function proven(paths: string[], gateRules: GateRuleInput[] = rules): Promise<string[]> {
  return provenRules(duck.connection, paths, gateRules);
}

const withoutTime = ({ durationMs: _, ...rest }: GateResult) => rest;

/** The gate's result with proofs and with a full scan, which must agree, and the SQL the first ran. */
async function bothWays(paths: string[], gateRules: GateRuleInput[] = rules) {
  const { connection: spy, sql } = recording(duck.connection);
  const gate = { name: 'trades', action: 'warn', rules: gateRules };
  const proved = await evaluateGate(spy, gate, { format: 'parquet', paths });
  const scanned = await evaluateGate(duck.connection, gate, { format: 'parquet', paths }, { footerStatistics: false });
  expect(withoutTime(proved)).toEqual(withoutTime(scanned));
  return { result: proved, scans: sql.filter((s) => /count\(\*\) AS n/.test(s)) };
}

describe('allowed_values proven from Parquet dictionary pages', () => {
  it('reads no row when every chunk’s dictionary holds allowed values only, whatever codec DuckDB can write and this reads', async () => {
    for (const codec of ['snappy', 'uncompressed', 'gzip', 'brotli', 'zstd']) {
      const path = await write(`dict-${codec}.parquet`, tradesSql, `, COMPRESSION ${codec}`);
      expect(await proven([path])).toEqual(['allowed_values(exchange)', 'allowed_values(side)']);
      const { result, scans } = await bothWays([path]);
      expect(result).toMatchObject({ status: 'passed', rowCount: 10000 });
      expect(scans).toEqual([]);
    }
  });

  it('counts the failing rows exactly when a dictionary holds a value that is not allowed', async () => {
    const path = await write(
      'dict-bad.parquet',
      `SELECT * REPLACE (CASE WHEN event_id IN ('T5', 'T9001') THEN 'hold' ELSE side END AS side) FROM (${tradesSql})`,
    );
    expect(await proven([path])).toEqual(['allowed_values(exchange)']);
    const { result, scans } = await bothWays([path]);
    expect(result.rules.map((r) => [r.id, r.failedCount])).toEqual([
      ['allowed_values(side)', 2],
      ['allowed_values(exchange)', 0],
    ]);
    expect(scans).toHaveLength(1);
    expect(scans[0]).toContain('"side"');
    expect(scans[0]).not.toContain('"exchange"');
  });

  it('scans where a column is not dictionary-encoded, or compressed with a codec read only through DuckDB (LZ4)', async () => {
    const plain = await write('dict-plain.parquet', tradesSql);
    const ids: GateRuleInput[] = [
      { type: 'allowed_values', column: 'event_id', values: ['T1'] },
      { type: 'allowed_values', column: 'venue', values: [0, 1, 2] },
    ];
    expect(await proven([plain], ids)).toEqual(['allowed_values(venue)']); // integers too: dictionary-encoded
    const { result } = await bothWays([plain], ids);
    expect(result.rules.map((r) => r.failedCount)).toEqual([9999, 0]);
    const lz4 = await write('dict-lz4.parquet', tradesSql, ', COMPRESSION lz4_raw');
    expect(await proven([lz4])).toEqual([]);
    expect((await bothWays([lz4])).scans).toHaveLength(1);
  });

  it('proves nothing for a column some file or row group does not hold, nor one read from a key=value folder', async () => {
    const withSide = await write('dict-a.parquet', tradesSql);
    const without = await write(
      'dict-b.parquet',
      `SELECT 'U' || i AS event_id, 'binance' AS exchange FROM range(100) t(i)`,
    );
    expect(await proven([withSide, without])).toEqual(['allowed_values(exchange)']);
    expect((await bothWays([withSide, without])).result.status).toBe('passed');
    const empty = await write('dict-empty.parquet', `${tradesSql} LIMIT 0`);
    expect(await proven([empty])).toEqual([]);
    await mkdir(join(duck.dir, 'side=hold'));
    const partitioned = await write(join('side=hold', 'part.parquet'), tradesSql);
    expect(await proven([partitioned])).toEqual(['allowed_values(exchange)']);
    expect((await bothWays([partitioned])).result.rules[0]).toMatchObject({ failedCount: 10000 });
  });
});

describe('dictionary pages the footer points at', () => {
  /** A connection whose metadata query answers with the real footer's rows, changed by `edit`. */
  async function footerAs(path: string, edit: (row: Record<string, unknown>) => Record<string, unknown>) {
    const rows = await duck.rows(
      `SELECT *, 5 AS groups FROM parquet_metadata('${path}') WHERE path_in_schema = 'side' AND row_group_num_rows > 0`,
    );
    const connection = { runAndReadAll: () => Promise.resolve({ getRowObjectsJson: () => rows.map(edit) }) };
    return connection as unknown as DuckDBConnection;
  }
  const side = [{ id: 'side', column: 'side', physical: 'BYTE_ARRAY' as const, allowed: new Set(['buy', 'sell']) }];

  it('finds the dictionary at the data page offset where the footer gives no usable dictionary offset', async () => {
    const path = await write('dict-offsets.parquet', tradesSql);
    expect(await proveFromDictionaries(await footerAs(path, (r) => r), `'${path}'`, side)).toEqual(['side']);
    const atData = (dictionary: unknown) => (r: Record<string, unknown>) => ({
      ...r,
      data_page_offset: r.dictionary_page_offset,
      dictionary_page_offset: dictionary,
    });
    expect(await proveFromDictionaries(await footerAs(path, atData(null)), '', side)).toEqual(['side']);
    expect(await proveFromDictionaries(await footerAs(path, atData('0')), '', side)).toEqual(['side']);
    expect(await proveFromDictionaries(await footerAs(path, atData('999999999')), '', side)).toEqual(['side']);
  });

  it('proves nothing for remote files, files it cannot open, or offsets that do not point at page headers', async () => {
    const path = await write('dict-broken.parquet', tradesSql);
    const named = (file: string) => (r: Record<string, unknown>) => ({ ...r, file_name: file });
    expect(await proveFromDictionaries(await footerAs(path, named(`s3://bucket${path}`)), '', side)).toEqual([]);
    expect(await proveFromDictionaries(await footerAs(path, named(`${path}.gone`)), '', side)).toEqual([]);
    const shifted = (r: Record<string, unknown>) => ({
      ...r,
      dictionary_page_offset: Number(r.dictionary_page_offset) + 3,
    });
    expect(await proveFromDictionaries(await footerAs(path, shifted), '', side)).toEqual([]);
    expect(await proveFromDictionaries(duck.connection, '', [])).toEqual([]);
    expect(localPath('https://example.com/a.parquet')).toBeUndefined();
    expect(localPath('data/a.parquet')).toBe('data/a.parquet');
  });
});
