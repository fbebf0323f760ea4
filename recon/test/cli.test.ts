import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = resolve(import.meta.dirname, '../../cli/bin/coattail.js');

async function coattail(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: { ...process.env, LOG_LEVEL: 'error' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('coattail recon (the process)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recon-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates a golden dataset and exits 2 with a readable summary when it does not reconcile', async () => {
    const gen = await coattail(['recon', 'gen', '--dir', dir, '--rows', '3000', '--rate', '0.01']);
    expect(gen.code).toBe(0);
    const result = await coattail(['recon', 'run', '--config', join(dir, 'recon.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('NOT RECONCILED');
    expect(result.stdout).toMatch(/row_hash\s+FAIL/);
    const json = JSON.parse(await readFile(join(dir, 'report', 'result.json'), 'utf8')) as { reconciled: boolean };
    expect(json.reconciled).toBe(false);
  }, 60_000);

  it('exits 0 and says RECONCILED when source and target hold the same data', async () => {
    await writeFile(join(dir, 'a.csv'), 'id,price,name\n1,1.5,x\n2,2.5,y\n');
    await writeFile(join(dir, 'b.csv'), 'id,name,price\n2,y,2.5\n1,x,1.5\n');
    const config = {
      source: { path: 'a.csv' },
      target: { path: 'b.csv' },
      primaryKey: 'id',
      output: { dir: 'same', excel: false },
    };
    await writeFile(join(dir, 'same.json'), JSON.stringify(config));
    const result = await coattail(['recon', 'run', '--config', join(dir, 'same.json')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(': RECONCILED');
  }, 60_000);

  it('reconciles every table of a multi-table config and prints one line per table', async () => {
    await writeFile(join(dir, 'c.csv'), 'code,qty\na,1\nb,2\n');
    await writeFile(join(dir, 'd.csv'), 'code,qty\na,1\nb,3\n');
    const config = {
      name: 'two tables',
      defaults: { output: { excel: false } },
      tables: [
        { name: 'same', source: { path: 'a.csv' }, target: { path: 'b.csv' }, primaryKey: 'id' },
        { name: 'quantities', source: { path: 'c.csv' }, target: { path: 'd.csv' }, primaryKey: 'code' },
      ],
      output: { dir: 'suite' },
    };
    await writeFile(join(dir, 'suite.json'), JSON.stringify(config));
    const result = await coattail(['recon', 'run', '--config', join(dir, 'suite.json')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('two tables: NOT RECONCILED  (1 of 2 tables reconciled');
    expect(result.stdout).toMatch(/same\s+RECONCILED\s+100\.00/);
    expect(result.stdout).toMatch(/quantities\s+NOT RECONCILED\s+50\.00 .*row_hash/);
    const summary = await readFile(join(dir, 'suite', 'suite-summary.csv'), 'utf8');
    expect(summary.trim().split('\n')).toHaveLength(3);
    await readFile(join(dir, 'suite', 'quantities', 'result.json'), 'utf8');
  }, 60_000);

  it('exits 1 with the list of issues for an invalid config', async () => {
    const result = await coattail(['recon', 'run', '--config', join(dir, 'expected.json')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('invalid reconciliation config');
  }, 60_000);
});
