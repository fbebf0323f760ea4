import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReconConfig } from '../config/load-config.js';
import type { ReconConfigInput } from '../config/recon-config.js';
import { ReconConfigError } from '../errors.js';
import { reconcile } from './reconcile.js';

let dir: string;

const run = (config: Omit<ReconConfigInput, 'output'>) =>
  reconcile(parseReconConfig({ ...config, output: { dir: 'out' } }, dir));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recon-csv-types-'));
  await writeFile(join(dir, 'source.csv'), 'id,qty,day\n1,10,2024-01-31\n2,20,2024-02-01\n3,,2024-02-02\n');
  // The target export quotes its integers (a string column in the target system), uses ';',
  // writes NULL as n/a and dates day first.
  await writeFile(join(dir, 'target.csv'), 'id;qty;day\n1;"10";31/01/2024\n2;"20";01/02/2024\n3;n/a;02/02/2024\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const target = (columns: Record<string, string> = {}) => ({
  path: 'target.csv',
  csv: { delimiter: ';', nullStrings: ['n/a'], dateFormat: '%d/%m/%Y', columns },
});

describe('CSV column types', () => {
  it('reads a side with its own delimiter, null strings and date format; sniffed quoted integers look unchanged', async () => {
    const result = await run({ source: { path: 'source.csv' }, target: target(), primaryKey: 'id' });
    expect(result.schema.columns.map((c) => [c.column, c.sourceType, c.targetType])).toEqual([
      ['id', 'BIGINT', 'BIGINT'],
      ['qty', 'BIGINT', 'BIGINT'],
      ['day', 'DATE', 'DATE'],
    ]);
    expect(result.schema.declaredTypes).toEqual([]);
    expect(result.reconciled).toBe(true);
  });

  it('reports a quoted-integer type change once the side declares the type of its contract', async () => {
    const result = await run({
      source: { path: 'source.csv' },
      target: target({ qty: 'VARCHAR' }),
      primaryKey: 'id',
    });
    expect(result.schema.typeFailures).toEqual(['qty']);
    expect(result.schema.status).toBe('FAIL');
    expect(result.schema.declaredTypes).toEqual([
      { side: 'target', column: 'qty', declaredType: 'VARCHAR', inferredType: 'BIGINT' },
    ]);
    // Still compared (as text): the values themselves agree.
    expect(result.hash.mismatchedRows).toBe(0);
  });

  it('refuses a declared type that is not a type name, and a declared column the file lacks', async () => {
    expect(() =>
      parseReconConfig({ source: target({ qty: 'INT; DROP' }), target: { path: 'source.csv' }, primaryKey: 'id' }, dir),
    ).toThrow(ReconConfigError);
    const error = await run({
      source: { path: 'source.csv', csv: { columns: { nope: 'BIGINT' } } },
      target: target(),
      primaryKey: 'id',
    }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/source input .*Columns with names: "nope" do not exist in the CSV File/);
  });
});
