import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { EMPTY_SCHEMA_DEFINITION, assessFile, parseSchemaDefinition } from '@coattail/quality';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParseFailure, analyzeFile } from './file-analyzer.js';
import { ParserRegistry, csvParser, jsonlParser, parquetParser, sqlLiteral } from './parser-registry.js';

const definition = parseSchemaDefinition({
  columns: [
    { name: 'id', type: 'integer', required: true, unique: true },
    { name: 'price', type: 'number', required: true, min: 0, max: 100 },
    { name: 'side', type: 'string', allowedValues: ['buy', 'sell'] },
    { name: 'day', type: 'date', min: '2026-01-01' },
  ],
});

const CSV = [
  'id,price,side,day,note',
  '1,10.5,buy,2026-01-04,a',
  '2,abc,sell,2026-01-04,',
  '2,200,hold,2025-12-31,c',
  '4,,buy,2026-01-05,d',
  '5,50,sell,not-a-date,e',
  '',
].join('\n');

let dir: string;
let duck: DuckDBInstance;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dq-parse-'));
  duck = await DuckDBInstance.create(':memory:', { threads: '1' });
});
afterAll(async () => {
  duck.closeSync();
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, body);
  return path;
}

describe('analyzeFile', () => {
  it('measures a CSV: nulls, type, allowed-value and bound failures, key duplicates, with examples', async () => {
    const { facts, profile } = await analyzeFile(duck, await file('a.csv', CSV), csvParser, definition);
    expect(facts.format).toBe('CSV (header)');
    expect(facts.rowCount).toBe(5);
    expect(facts.rowsMissingRequired).toBe(1);
    const byName = Object.fromEntries(facts.columns.map((c) => [c.name, c]));
    expect(byName.price).toMatchObject({
      nonNull: 4,
      nulls: 1,
      typeMismatches: 1,
      typeMismatchExamples: ['abc'],
      aboveMax: 1,
      belowMin: 0,
      boundsExamples: ['200'],
    });
    expect(byName.side).toMatchObject({ formatMismatches: 1, formatMismatchExamples: ['hold'] });
    expect(byName.day).toMatchObject({ typeMismatches: 1, belowMin: 1 });
    expect(byName.note).toMatchObject({ physicalType: 'VARCHAR', nonNull: 4, nulls: 1, typeMismatches: 0 });
    expect(facts.keys).toEqual([{ columns: ['id'], rowsWithKey: 5, distinctKeys: 4 }]);
    expect(profile.sample.columns).toEqual(['id', 'price', 'side', 'day', 'note']);
    expect(profile.sample.rows[0]).toEqual(['1', '10.5', 'buy', '2026-01-04', 'a']);
    const price = profile.columns.find((c) => c.name === 'price');
    expect(price).toMatchObject({ min: 10.5, max: 200 });
    expect(price?.histogram).toHaveLength(10);
    expect(price?.histogram?.reduce((s, b) => s + b.count, 0)).toBe(3);
    const side = profile.columns.find((c) => c.name === 'side');
    expect(side?.topValues?.[0]).toEqual({ value: 'buy', count: 2 });
    const quality = assessFile(facts, definition);
    expect(quality.metrics.formatParsing.passed).toBe(false);
    expect(quality.metrics.uniqueness.details).toBe('Primary key uniqueness 80%');
  });

  it('measures the same data as JSONL and Parquet', async () => {
    const lines = [
      { id: 1, price: 10.5, side: 'buy', day: '2026-01-04' },
      { id: 2, price: 20, side: 'sell', day: '2026-01-04' },
      { id: 3, price: null, side: 'buy', day: '2026-01-05' },
    ];
    const jsonl = await analyzeFile(
      duck,
      await file('a.jsonl', lines.map((l) => JSON.stringify(l)).join('\n')),
      jsonlParser,
      definition,
    );
    expect(jsonl.facts).toMatchObject({
      format: 'JSONL',
      rowCount: 3,
      rowsMissingRequired: 1,
      keys: [{ rowsWithKey: 3, distinctKeys: 3 }],
    });
    expect(jsonl.facts.columns.map((c) => c.typeMismatches)).toEqual([0, 0, 0, 0]);
    const parquet = join(dir, 'a.parquet');
    const conn = await duck.connect();
    await conn.run(
      `COPY (SELECT * FROM read_json(${sqlLiteral(join(dir, 'a.jsonl'))}, format = 'newline_delimited')) TO ${sqlLiteral(parquet)} (FORMAT parquet)`,
    );
    conn.closeSync();
    const pq = await analyzeFile(duck, parquet, parquetParser, definition);
    expect(pq.facts).toMatchObject({ format: 'Parquet', rowCount: 3, rowsMissingRequired: 1 });
    expect(pq.profile.columns.find((c) => c.name === 'price')).toMatchObject({ min: 10.5, max: 20, nulls: 1 });
    expect(assessFile(pq.facts, definition).score).toBe(assessFile(jsonl.facts, definition).score);
  });

  it('reports broken files of every format as parse failures with the reader error', async () => {
    const ragged = await file('bad.csv', 'a,b\n1,2\n3,4,5,6\n');
    await expect(analyzeFile(duck, ragged, csvParser, definition)).rejects.toBeInstanceOf(ParseFailure);
    const json = await file('bad.jsonl', '{"a": 1}\n{"a": \n');
    await expect(analyzeFile(duck, json, jsonlParser, definition)).rejects.toThrow(/JSON|json/);
    const notParquet = await file('bad.parquet', 'this is not parquet');
    const failure = await analyzeFile(duck, notParquet, parquetParser, definition).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ParseFailure);
    expect((failure as ParseFailure).parser.id).toBe('parquet');
    expect((failure as ParseFailure).message.length).toBeGreaterThan(0);
  });

  it('scores a file whose declared column holds no value of its type as a schema failure', async () => {
    const path = await file('words.csv', 'id,price\nx,1\ny,2\n');
    const { facts } = await analyzeFile(duck, path, csvParser, definition);
    const quality = assessFile(facts, definition);
    expect(quality.metrics.schemaValidation.details).toContain("column 'id' (VARCHAR) holds no integer value");
  });
});

describe('files larger than memory', () => {
  it(
    'measures CSV and JSONL (62 and 84 MB) under a 48 MB DuckDB memory limit, streaming and spilling to disk',
    { timeout: 60_000 },
    async () => {
      const small = await DuckDBInstance.create(':memory:', {
        memory_limit: '48MB',
        threads: '1',
        temp_directory: join(dir, 'spill'),
      });
      const gen = await duck.connect();
      const rows = 800_000;
      const select = `SELECT i AS id, md5(i::VARCHAR) || md5((i + 1)::VARCHAR) AS payload, (i % 1000)::DOUBLE AS price FROM range(${rows}) t(i)`;
      const csv = join(dir, 'big.csv');
      const jsonl = join(dir, 'big.jsonl');
      await gen.run(`COPY (${select}) TO ${sqlLiteral(csv)} (FORMAT csv, HEADER)`);
      await gen.run(`COPY (${select}) TO ${sqlLiteral(jsonl)} (FORMAT json)`);
      gen.closeSync();
      const big = parseSchemaDefinition({
        columns: [
          { name: 'id', type: 'integer', unique: true },
          { name: 'payload', pattern: '[0-9a-f]{64}' },
          { name: 'price', type: 'number', max: 998 },
        ],
      });
      for (const [path, parser] of [
        [csv, csvParser],
        [jsonl, jsonlParser],
      ] as const) {
        const { facts } = await analyzeFile(small, path, parser, big);
        expect(facts.rowCount).toBe(rows);
        expect(facts.keys.map((k) => k.distinctKeys)).toEqual([rows]);
        expect(facts.columns.find((c) => c.name === 'payload')?.formatMismatches).toBe(0);
        expect(facts.columns.find((c) => c.name === 'price')?.aboveMax).toBe(rows / 1000);
      }
      small.closeSync();
    },
  );

  it(
    'reports DuckDB running out of memory as a retryable engine failure, not as a broken file',
    { timeout: 60_000 },
    async () => {
      const tiny = await DuckDBInstance.create(':memory:', { memory_limit: '8MB', threads: '1' });
      const failure = await analyzeFile(tiny, join(dir, 'big.jsonl'), jsonlParser, EMPTY_SCHEMA_DEFINITION).catch(
        (e: unknown) => e,
      );
      tiny.closeSync();
      expect(failure).toMatchObject({ code: 'ANALYSIS_FAILED', retryable: true });
    },
  );
});

describe('ParserRegistry', () => {
  const registry = ParserRegistry.withDefaults();

  it('resolves by the longest key ending, then by content type', () => {
    expect(registry.resolve('x/data.CSV')?.id).toBe('csv');
    expect(registry.resolve('x/data.csv.gz')?.id).toBe('csv');
    expect(registry.resolve('x/data.ndjson')?.id).toBe('jsonl');
    expect(registry.resolve('x/part-0.parquet')?.id).toBe('parquet');
    expect(registry.resolve('x/blob', 'text/csv; charset=utf-8')?.id).toBe('csv');
    expect(registry.resolve('x/blob')).toBeUndefined();
  });

  it('lets a registered parser take over an extension and names the known endings when none fits', () => {
    const custom = ParserRegistry.withDefaults().register({
      id: 'pipe',
      label: 'PSV',
      extensions: ['.txt'],
      relation: (p) => `read_csv(${sqlLiteral(p)}, delim = '|')`,
    });
    expect(custom.resolve('a.txt')?.id).toBe('pipe');
    expect(() => custom.require('a.avro')).toThrow(/no parser for 'a.avro'.*\.parquet/);
    expect(custom.parsers[0]?.id).toBe('pipe');
  });
});
