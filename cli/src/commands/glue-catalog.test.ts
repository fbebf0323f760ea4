import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { openCatalog } from '@coattail/iceberg';
import { startFakeGlueServer, type FakeGlueServer } from '@coattail/iceberg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, createPeopleTable, reconRun, run, warehouseEnv, warehouseStore } from './warehouse.test-support.js';

// AWS Glue cannot run here (no emulator on npm; moto and LocalStack are Python): the CLI's real
// @aws-sdk/client-glue client talks to a fake Glue endpoint on loopback with Glue's VersionId rules.
describe('the CLI on the shared Glue catalog (fake Glue endpoint, s3rver)', () => {
  let stack: LocalStack;
  let glue: FakeGlueServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    [stack, glue, dir] = await Promise.all([
      startLocalStack({ streams: [], tables: [] }),
      startFakeGlueServer({ databases: ['coattail'] }),
      mkdtemp(join(tmpdir(), 'cli-glue-')),
    ]);
    env = warehouseEnv(stack, { ICEBERG_CATALOG: 'glue', GLUE_ENDPOINT: glue.endpoint });
    const catalog = openCatalog(
      { ICEBERG_CATALOG: 'glue', GLUE_ENDPOINT: glue.endpoint },
      { store: warehouseStore(stack), cacheDir: join(dir, 'cache') },
    );
    await createPeopleTable(catalog, 50);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([stack.stop(), glue.close(), rm(dir, { recursive: true, force: true })]);
  });

  it('coattail iceberg query reads the table Glue points at, with no local catalog', async () => {
    const { stdout } = await run(
      process.execPath,
      [CLI, 'iceberg', '--state-dir', join(dir, 'empty'), 'query', 'people', 'SELECT count(*) AS n FROM t'],
      { env },
    );
    expect(stdout).toMatch(/\b50n?\b/);
    expect(glue.calls.get('GetTable')).toBeGreaterThan(0);
  }, 60_000);

  it('coattail recon run reads a catalog: glue input from the S3 warehouse', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => i)
      .filter((i) => i !== 7)
      .map((i) => `${i},p${i}`);
    await writeFile(join(dir, 'target.csv'), ['id,name', ...lines, ''].join('\n'));
    const config = {
      source: { path: 's3://coattail-warehouse', format: 'iceberg', catalog: 'glue', table: 'coattail.people' },
      target: { path: 'target.csv' },
      primaryKey: 'id',
      output: { dir: 'out', excel: false },
    };
    const { exit, result } = await reconRun<{
      rowCount: { source: number; target: number };
      keys: { sourceOnly: number; targetOnly: number };
    }>(dir, config, env);
    expect(exit).toBe(2);
    expect(result.rowCount).toMatchObject({ source: 50, target: 49 });
    expect(result.keys).toMatchObject({ sourceOnly: 1, targetOnly: 0 });
  }, 60_000);
});
