import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuck, type DuckFixture } from '../../test/duck.js';
import { dictionaryCandidate, signedIntegerAnnotation } from './dictionary-proofs.js';
import { parseGateConfig, type GateRuleInput } from './gate-config.js';
import { provenAndScanned, provenRules } from './proofs.test-support.js';

let duck: DuckFixture;
beforeAll(async () => {
  duck = await openDuck();
});
afterAll(() => duck.close());

/**
 * 10 000 rows in row groups of 2 048, every column dictionary-encoded: a venue (INTEGER), a tier
 * (TINYINT), a desk (SMALLINT), an account (BIGINT, with values past 2^53) and a counter every row
 * its own (BIGINT, PLAIN once the dictionary would be as large as the values).
 */
const accountsSql = `SELECT CAST(i % 3 AS INTEGER) AS venue, CAST(i % 4 - 2 AS TINYINT) AS tier,
    CAST(i % 5 * 1000 AS SMALLINT) AS desk,
    CAST(list_element([-1, 0, 1000000000000000000, 9007199254740994], (i % 4)::INTEGER + 1) AS BIGINT) AS account,
    CASE WHEN i % 7 = 0 THEN NULL ELSE CAST(i % 3 AS BIGINT) END AS sparse,
    CAST(i AS BIGINT) AS seq
  FROM range(10000) t(i)`;

async function write(name: string, sql: string, options = ''): Promise<string> {
  const path = join(duck.dir, name);
  await duck.connection.run(`COPY (${sql}) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 2048${options})`);
  return path;
}

const allowed = (column: string, values: (string | number)[]): GateRuleInput => ({
  type: 'allowed_values',
  column,
  values,
});

describe('allowed_values on integer columns proven from Parquet dictionary pages', () => {
  it('reads no row when every INT32 and INT64 dictionary written by DuckDB holds allowed integers only', async () => {
    for (const codec of ['snappy', 'uncompressed', 'zstd']) {
      const path = await write(`int-${codec}.parquet`, accountsSql, `, COMPRESSION ${codec}`);
      const rules = [
        allowed('venue', [0, 1, 2]),
        // Numbers the scan compares with, but no entry equals: not integers, or outside TINYINT.
        allowed('tier', [-2, -1, 0, 1, 2.5, 1000]),
        allowed('desk', [0, 1000, 2000, 3000, 4000, 5000]),
        // Past 2^53, equal only as exact integers; 1e21 (printed 1e+21) makes the scan compare as doubles.
        allowed('account', [-1, 0, 1e18, 9007199254740994, 1e21]),
        allowed('sparse', [0, 1, 2]),
      ];
      expect(await provenRules(duck.connection, [path], rules)).toEqual([
        'allowed_values(account)',
        'allowed_values(desk)',
        'allowed_values(sparse)',
        'allowed_values(tier)',
        'allowed_values(venue)',
      ]);
      const { result, scans } = await provenAndScanned(duck.connection, [path], rules);
      expect(result).toMatchObject({ status: 'passed', rowCount: 10000 });
      expect(scans).toEqual([]);
    }
  });

  it('reads no row for INT32 and INT64 dictionaries written by hyparquet-writer, annotated INT_32 or not at all', async () => {
    const path = join(duck.dir, 'int-hyparquet.parquet');
    parquetWriteFile({
      filename: path,
      schema: [
        { name: 'root', num_children: 2 },
        { name: 'venue', type: 'INT32', converted_type: 'INT_32', repetition_type: 'OPTIONAL' },
        { name: 'account', type: 'INT64', repetition_type: 'REQUIRED' },
      ],
      columnData: [
        { name: 'venue', data: [2, null, -7, 2, 2147483647], encoding: 'RLE_DICTIONARY' },
        { name: 'account', data: [9007199254740994n, -3n, -3n, 0n, 0n], encoding: 'RLE_DICTIONARY' },
      ],
    });
    const rules = [allowed('venue', [-7, 2, 2147483647]), allowed('account', [-3, 0, 9007199254740994])];
    expect(await provenRules(duck.connection, [path], rules)).toEqual([
      'allowed_values(account)',
      'allowed_values(venue)',
    ]);
    expect((await provenAndScanned(duck.connection, [path], rules)).scans).toEqual([]);
    // A dictionary holding one value not allowed: the scan counts the rows that hold it.
    const narrower = [allowed('venue', [-7, 2]), allowed('account', [-3, 9007199254740994])];
    expect(await provenRules(duck.connection, [path], narrower)).toEqual([]);
    const { result } = await provenAndScanned(duck.connection, [path], narrower);
    expect(result.rules.map((r) => r.failedCount)).toEqual([1, 2]);
  });

  it('counts failures exactly where a dictionary holds a value the rule does not allow, past 2^53 included', async () => {
    const path = await write('int-outside.parquet', accountsSql);
    const rules = [
      allowed('venue', [0, 1]),
      // A gate file's 9007199254740993 is read as the number 2^53: the entry 2^53 + 2 is not it.
      allowed('account', [-1, 0, 1e18, Number('9007199254740993')]),
    ];
    expect(await provenRules(duck.connection, [path], rules)).toEqual([]);
    const { result, scans } = await provenAndScanned(duck.connection, [path], rules);
    expect(result.rules.map((r) => r.failedCount)).toEqual([3333, 2500]);
    expect(scans).toHaveLength(1);
    // 2^53 + 1 is no double: as a number it would be taken for 2^53, which the rule allows.
    const odd = await write('int-odd.parquet', `SELECT CAST(9007199254740993 AS BIGINT) AS account FROM range(100)`);
    const even = [allowed('account', [9007199254740992])];
    expect(await provenRules(duck.connection, [odd], even)).toEqual([]);
    expect((await provenAndScanned(duck.connection, [odd], even)).result.rules[0]).toMatchObject({ failedCount: 100 });
    // 2 ** 62 prints as 4611686018427388000, the literal the scan compares with: 2^62 itself is not it.
    const edge = await write(
      'int-edge.parquet',
      `SELECT CAST(4611686018427387904 AS BIGINT) AS account FROM range(100)`,
    );
    const power = [allowed('account', [2 ** 62])];
    expect(await provenRules(duck.connection, [edge], power)).toEqual([]);
    expect((await provenAndScanned(duck.connection, [edge], power)).result.rules[0]).toMatchObject({
      failedCount: 100,
    });
  });

  it('scans decimals, dates, times, timestamps, unsigned integers, floats and booleans, whatever their physical type', async () => {
    const path = await write(
      'int-refused.parquet',
      `SELECT CAST(i % 3 AS DECIMAL(9, 2)) AS d32, CAST(i % 3 AS DECIMAL(18, 0)) AS d64,
          DATE '2026-01-01' + CAST(i % 3 AS INTEGER) AS day, TIMESTAMP '2026-01-01' + to_seconds(i % 3) AS ts,
          TIME '01:00:00' + to_seconds(i % 3) AS tm, CAST(i % 3 AS UINTEGER) AS u32, CAST(i % 3 AS UBIGINT) AS u64,
          CAST(i % 3 AS USMALLINT) AS u16, CAST(i % 3 AS DOUBLE) AS dbl, i % 3 = 0 AS flag
        FROM range(10000) t(i)`,
    );
    const rules = [
      allowed('d32', [0, 1, 2]),
      allowed('d64', [0, 1, 2]),
      allowed('day', ['2026-01-01', '2026-01-02', '2026-01-03']),
      allowed('ts', [0, 1, 2]),
      allowed('tm', [0, 1, 2]),
      allowed('u32', [0, 1, 2]),
      allowed('u64', [0, 1, 2]),
      allowed('u16', [0, 1, 2]),
      allowed('dbl', [0, 1, 2]),
      allowed('flag', [0, 1]),
    ];
    expect(await provenRules(duck.connection, [path], rules)).toEqual([]);
    const { result, scans } = await provenAndScanned(duck.connection, [path], rules);
    expect(result.rules.map((r) => r.failedCount)).toEqual([0, 0, 0, 10000, 10000, 0, 0, 0, 0, 10000]);
    expect(scans).toHaveLength(1);
  });

  it('scans an integer column under a rule that names text, and one whose chunks fall back to PLAIN pages', async () => {
    const path = await write('int-text.parquet', accountsSql);
    const rules = [allowed('venue', [0, 1, '2']), allowed('seq', [1, 2])];
    expect(await provenRules(duck.connection, [path], rules)).toEqual([]);
    const { result } = await provenAndScanned(duck.connection, [path], rules);
    expect(result.rules.map((r) => r.failedCount)).toEqual([0, 9998]);
    const plainPath = join(duck.dir, 'int-plain.parquet');
    parquetWriteFile({
      filename: plainPath,
      columnData: [{ name: 'venue', data: Int32Array.from([0, 1, 2, 0]), type: 'INT32', encoding: 'PLAIN' }],
    });
    const venue = [allowed('venue', [0, 1, 2])];
    expect(await provenRules(duck.connection, [plainPath], venue)).toEqual([]);
    expect((await provenAndScanned(duck.connection, [plainPath], venue)).scans).toHaveLength(1);
  });
});

describe('which integer columns a dictionary can speak for', () => {
  it('takes INT32/INT64 without annotation or as a signed INT(8|16|32|64) only', () => {
    expect(signedIntegerAnnotation('', '')).toBe(true);
    expect(signedIntegerAnnotation('INT_8', '')).toBe(true);
    expect(signedIntegerAnnotation('INT_64', 'IntType(bitWidth=@, isSigned=1)')).toBe(true);
    expect(signedIntegerAnnotation('', 'IntType(bitWidth=@, isSigned=0)')).toBe(false);
    expect(signedIntegerAnnotation('UINT_32', '')).toBe(false);
    expect(signedIntegerAnnotation('DECIMAL', 'DecimalType(scale=2, precision=9)')).toBe(false);
    expect(signedIntegerAnnotation('DATE', '')).toBe(false);
  });

  it('proves nothing for a column stored as different physical types, or annotated otherwise in some file', () => {
    const [rule] = parseGateConfig({ name: 'g', rules: [allowed('venue', [0, 1])] }).rules;
    if (rule?.type !== 'allowed_values') throw new Error('an allowed_values rule');
    const stored = (physical: string[], signedInteger = true) => ({ physical: new Set(physical), signedInteger });
    expect(dictionaryCandidate('r', rule, 'INTEGER', stored(['INT32']))).toMatchObject({ allowed: new Set([0n, 1n]) });
    expect(dictionaryCandidate('r', rule, 'INTEGER', stored(['INT32', 'INT64']))).toBeUndefined();
    expect(dictionaryCandidate('r', rule, 'INTEGER', stored(['INT32'], false))).toBeUndefined();
    expect(dictionaryCandidate('r', rule, 'INTEGER', stored(['FIXED_LEN_BYTE_ARRAY']))).toBeUndefined();
    expect(dictionaryCandidate('r', rule, 'HUGEINT', stored(['INT64']))).toBeUndefined();
    expect(dictionaryCandidate('r', rule, 'VARCHAR', stored(['INT32']))).toBeUndefined();
  });
});
