import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { S3ObjectStore } from '@coattail/connectors';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { defineSchema, openCatalog } from '@coattail/iceberg';
import { startFakeGlueServer, type FakeGlueServer } from '@coattail/iceberg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = new URL('../../bin/coattail.js', import.meta.url).pathname;

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
    env = {
      ...process.env,
      LOG_LEVEL: 'error',
      ICEBERG_CATALOG: 'glue',
      GLUE_ENDPOINT: glue.endpoint,
      COATTAIL_S3_ENDPOINT: stack.endpoints.s3,
      AWS_ACCESS_KEY_ID: stack.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: stack.credentials.secretAccessKey,
      AWS_REGION: stack.region,
    };
    const catalog = openCatalog(
      { ICEBERG_CATALOG: 'glue', GLUE_ENDPOINT: glue.endpoint },
      {
        store: new S3ObjectStore({ client: stack.clients.s3, bucket: 'coattail-warehouse' }),
        cacheDir: join(dir, 'cache'),
      },
    );
    const schema = defineSchema([
      { name: 'id', type: 'long', required: true },
      { name: 'name', type: 'string' },
    ]);
    const table = await catalog.createTable('coattail.people', { schema });
    await table.append(Array.from({ length: 50 }, (_, i) => ({ id: BigInt(i), name: `p${i}` })));
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
    await writeFile(join(dir, 'recon.json'), JSON.stringify(config));
    const exit = await run(process.execPath, [CLI, 'recon', 'run', '--config', join(dir, 'recon.json')], { env }).then(
      () => 0,
      (error: { code: number }) => error.code,
    );
    expect(exit).toBe(2);
    const result = JSON.parse(await readFile(join(dir, 'out', 'result.json'), 'utf8')) as {
      rowCount: { source: number; target: number };
      keys: { sourceOnly: number; targetOnly: number };
    };
    expect(result.rowCount).toMatchObject({ source: 50, target: 49 });
    expect(result.keys).toMatchObject({ sourceOnly: 1, targetOnly: 0 });
  }, 60_000);
});
