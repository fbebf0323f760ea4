import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReconResultFileError } from '../errors.js';
import { readSuiteResult } from './read-result.js';
import type { SuiteResult } from './suite-types.js';

const suite: SuiteResult = {
  name: 'nightly',
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:05.000Z',
  durationMs: 5000,
  reconciled: false,
  concurrency: 2,
  tables: [
    {
      name: 'trades',
      dir: 'trades',
      status: 'NOT RECONCILED',
      matchRate: 99.5,
      sourceRows: 200,
      targetRows: 199,
      mismatchedRows: 1,
      sourceOnly: 1,
      targetOnly: 0,
      duplicateKeysSource: 0,
      duplicateKeysTarget: 0,
      failedChecks: ['row_count'],
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:04.000Z',
      durationMs: 4000,
    },
  ],
  artifacts: { summary: 'suite-summary.csv' },
};

describe('readSuiteResult', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recon-suite-read-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const write = async (name: string, value: unknown): Promise<string> => {
    const file = join(dir, name);
    await writeFile(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
  };

  it('reads a suite.json as the run wrote it', async () => {
    expect(await readSuiteResult(await write('good.json', suite))).toEqual(suite);
  });

  it('refuses a table whose status is not one a run writes, naming the file and the field', async () => {
    const file = await write('status.json', { ...suite, tables: [{ ...suite.tables[0], status: 'MAYBE' }] });
    const error = await readSuiteResult(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReconResultFileError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain('tables.0.status');
  });

  it('refuses a table folder outside the run folder, so the dashboard cannot be pointed elsewhere', async () => {
    const file = await write('escape.json', { ...suite, tables: [{ ...suite.tables[0], dir: '../../etc' }] });
    await expect(readSuiteResult(file)).rejects.toThrow(/tables\.0\.dir: must be a path inside the output folder/);
  });

  it('refuses a file that is not JSON', async () => {
    const file = await write('cut.json', '{"name": "nightly", "tab');
    await expect(readSuiteResult(file)).rejects.toThrow(/cut\.json is not a reconciliation result .*\(not JSON\)/);
  });
});
