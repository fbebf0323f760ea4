import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@coattail/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReconConfig, parseReconConfig } from '../config/load-config.js';
import type { ReconConfigInput } from '../config/recon-config.js';
import { generateGoldenDataset, type GoldenDataset } from '../generator/generate-golden.js';
import { reconcile } from './reconcile.js';
import { writeTable } from '../testing/write-table.js';

interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string | undefined;
  fields: Record<string, unknown>;
}

/** A logger that keeps every line (child bindings merged), to assert what the engine logs. */
function capturingLogger(lines: LogLine[], bindings: Record<string, unknown> = {}): Logger {
  const at = (level: LogLine['level']) => (obj: object, msg?: string) =>
    lines.push({ level, msg, fields: { ...bindings, ...obj } });
  return {
    child: (more) => capturingLogger(lines, { ...bindings, ...more }),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}

let dir: string;

const write = (file: string, select: string): Promise<string> => writeTable(dir, file, select);

const config = (input: Omit<ReconConfigInput, 'output'>) => parseReconConfig({ ...input, output: { dir: 'out' } }, dir);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recon-findings-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('reconcile findings and logs', () => {
  it('caps the hash and key samples at output.sampleSize while counting every mismatch', async () => {
    const golden: GoldenDataset = await generateGoldenDataset({
      dir: join(dir, 'golden'),
      rows: 3_000,
      rate: 0.01,
      engine: { threads: 1 },
    });
    const loaded = await loadReconConfig(golden.configPath);
    const result = await reconcile({ ...loaded, output: { ...loaded.output, sampleSize: 5 } });
    expect(result.hash.mismatchedRows).toBe(golden.expected.hash.mismatchedRows);
    expect(result.hash.mismatchedRows).toBeGreaterThan(5);
    expect(golden.expected.keys.sourceOnly + golden.expected.keys.targetOnly).toBeGreaterThan(5);
    expect(result.hash.sample).toHaveLength(5);
    expect(result.keys.sample).toHaveLength(5);
    // The first five in key order: the sample is the head of the ordered export, not any five.
    const uncapped = await reconcile(loaded);
    expect(result.hash.sample).toEqual(uncapped.hash.sample.slice(0, 5));
    // Key issues take the kinds in turn, each kind from the head of its key order.
    const kinds = [...new Set(result.keys.sample.map((s) => s.kind))];
    expect(kinds).toEqual(['duplicate_source', 'duplicate_target', 'source_only', 'target_only']);
    for (const kind of kinds) {
      const mine = result.keys.sample.filter((s) => s.kind === kind);
      expect(mine).toEqual(uncapped.keys.sample.filter((s) => s.kind === kind).slice(0, mine.length));
    }
  });

  it('logs a type mismatch as a warning and compares that column as text', async () => {
    const s = await write('type-s.parquet', `SELECT i AS id, i AS code FROM range(4) r(i)`);
    const t = await write(
      'type-t.parquet',
      `SELECT i AS id, CASE WHEN i = 2 THEN 'two' ELSE CAST(i AS VARCHAR) END AS code FROM range(4) r(i)`,
    );
    const lines: LogLine[] = [];
    const result = await reconcile(config({ source: { path: s }, target: { path: t }, primaryKey: 'id' }), {
      logger: capturingLogger(lines),
    });
    expect(result.schema.typeFailures).toEqual(['code']);
    expect(lines.filter((l) => l.msg === 'type mismatch: compared as text')).toEqual([
      {
        level: 'warn',
        msg: 'type mismatch: compared as text',
        fields: expect.objectContaining({ column: 'code', sourceType: 'BIGINT', targetType: 'VARCHAR' }) as unknown,
      },
    ]);
    expect(result.hash.sample).toEqual([{ recordKey: '2', column: 'code', sourceValue: '2', targetValue: 'two' }]);
  });

  it('logs an empty input as an error and reports it', async () => {
    const s = await write('empty-s.parquet', `SELECT 1 AS id, 'a' AS v`);
    const t = await write('empty-t.parquet', `SELECT 1 AS id, 'a' AS v WHERE false`);
    const lines: LogLine[] = [];
    const result = await reconcile(config({ source: { path: s }, target: { path: t }, primaryKey: 'id' }), {
      logger: capturingLogger(lines),
    });
    expect(lines.filter((l) => l.level === 'error').map((l) => [l.msg, l.fields.side])).toEqual([
      ['target input has no rows', 'target'],
    ]);
    expect(result.messages).toEqual(['target input has no rows']);
    expect(result.reconciled).toBe(false);
  });

  it('counts two empty inputs as reconciled, with a WARN on the row count and both logged', async () => {
    const s = await write('none-s.parquet', `SELECT 1 AS id, 'a' AS v WHERE false`);
    const lines: LogLine[] = [];
    const result = await reconcile(config({ source: { path: s }, target: { path: s }, primaryKey: 'id' }), {
      logger: capturingLogger(lines),
    });
    expect(result.rowCount).toEqual({ status: 'WARN', source: 0, target: 0, difference: 0 });
    expect(result.messages).toEqual(['source input has no rows', 'target input has no rows']);
    expect(lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([
      'source input has no rows',
      'target input has no rows',
    ]);
    expect(result.reconciled).toBe(true);
    expect(result.matchRate).toBe(100);
  });

  it('compares only the columns in columns.include (keys always) and marks the others skipped', async () => {
    const s = await write('inc-s.parquet', `SELECT i AS id, i AS a, i AS b, i AS c FROM range(6) r(i)`);
    const t = await write('inc-t.parquet', `SELECT i AS id, i AS a, i + 1 AS b, NULL::BIGINT AS c FROM range(6) r(i)`);
    const result = await reconcile(
      config({ source: { path: s }, target: { path: t }, primaryKey: 'id', columns: { include: ['a', 'b'] } }),
    );
    expect(result.hash.byColumn).toEqual([
      { column: 'a', mismatches: 0 },
      { column: 'b', mismatches: 6 },
    ]);
    expect(result.nulls.columns.map((c) => c.column)).toEqual(['a', 'b']);
    expect([...new Set(result.aggregates.rows.map((r) => r.column))]).toEqual(['a', 'b']);
    expect(result.schema.columns.find((c) => c.column === 'c')).toMatchObject({ status: 'SKIPPED', issue: 'excluded' });
    expect(result.schema.columns.find((c) => c.column === 'id')?.status).toBe('PASS');
  });
});
