import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { S3ObjectStore } from '@coattail/connectors';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { IcebergCatalog, LocalPointerStore, defineSchema } from '@coattail/iceberg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = new URL('../../bin/coattail.js', import.meta.url).pathname;

describe('coattail recon run on an Iceberg table in an S3 warehouse (s3rver)', () => {
  let stack: LocalStack;
  let dir: string;
  beforeAll(async () => {
    [stack, dir] = await Promise.all([
      startLocalStack({ streams: [], tables: [] }),
      mkdtemp(join(tmpdir(), 'recon-s3-')),
    ]);
  });
  afterAll(async () => {
    await Promise.all([stack.stop(), rm(dir, { recursive: true, force: true })]);
  });

  it('reads the table through the S3 store and counts the induced differences', async () => {
    const catalog = new IcebergCatalog({
      pointers: new LocalPointerStore(join(dir, 'state', 'catalog')),
      store: new S3ObjectStore({ client: stack.clients.s3, bucket: 'coattail-warehouse' }),
      cacheDir: join(dir, 'cache'),
    });
    const schema = defineSchema([
      { name: 'id', type: 'long', required: true },
      { name: 'name', type: 'string' },
    ]);
    const table = await catalog.createTable('coattail.people', { schema });
    await table.append(Array.from({ length: 50 }, (_, i) => ({ id: BigInt(i), name: `p${i}` })));
    // Target: id 7 missing, id 60 extra, name of id 3 changed.
    const lines = Array.from({ length: 50 }, (_, i) => i)
      .filter((i) => i !== 7)
      .map((i) => `${i},${i === 3 ? 'changed' : `p${i}`}`);
    await writeFile(join(dir, 'target.csv'), ['id,name', ...lines, '60,p60', ''].join('\n'));
    const config = {
      source: { path: 'state', format: 'iceberg', table: 'coattail.people', warehouse: 's3://coattail-warehouse' },
      target: { path: 'target.csv' },
      primaryKey: 'id',
      output: { dir: 'out', excel: false },
    };
    await writeFile(join(dir, 'recon.json'), JSON.stringify(config));
    const env = {
      ...process.env,
      LOG_LEVEL: 'error',
      COATTAIL_S3_ENDPOINT: stack.endpoints.s3,
      AWS_ACCESS_KEY_ID: stack.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: stack.credentials.secretAccessKey,
      AWS_REGION: stack.region,
    };
    const exit = await run(process.execPath, [CLI, 'recon', 'run', '--config', join(dir, 'recon.json')], { env }).then(
      () => 0,
      (error: { code: number }) => error.code,
    );
    expect(exit).toBe(2);
    const result = JSON.parse(await readFile(join(dir, 'out', 'result.json'), 'utf8')) as {
      rowCount: { source: number; target: number };
      keys: { sourceOnly: number; targetOnly: number };
      hash: { byColumn: { column: string; mismatches: number }[] };
    };
    expect(result.rowCount).toMatchObject({ source: 50, target: 50 });
    expect(result.keys).toMatchObject({ sourceOnly: 1, targetOnly: 1 });
    expect(result.hash.byColumn).toEqual([{ column: 'name', mismatches: 1 }]);
  }, 60_000);
});
