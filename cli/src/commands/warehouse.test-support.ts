import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { S3ObjectStore } from '@coattail/connectors';
import { defineSchema, type IcebergCatalog, type Table } from '@coattail/iceberg';
import type { LocalStack } from '@coattail/local-stack';

/** Runs a process; rejects with its exit `code`, `stdout` and `stderr` when it fails. */
export const run = promisify(execFile);

/** The `coattail` command as a user runs it. */
export const CLI = new URL('../../bin/coattail.js', import.meta.url).pathname;

/** The warehouse bucket of the local stack, where the tests' tables keep their files. */
export const WAREHOUSE_BUCKET = 'coattail-warehouse';

/** What a `coattail` process needs to reach the local stack's S3 (and, with `extra`, anything else). */
export function warehouseEnv(stack: LocalStack, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LOG_LEVEL: 'error',
    COATTAIL_S3_ENDPOINT: stack.endpoints.s3,
    AWS_ACCESS_KEY_ID: stack.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: stack.credentials.secretAccessKey,
    AWS_REGION: stack.region,
    ...extra,
  };
}

/** The local stack's warehouse bucket as a catalog's object store. */
export const warehouseStore = (stack: LocalStack): S3ObjectStore =>
  new S3ObjectStore({ client: stack.clients.s3, bucket: WAREHOUSE_BUCKET });

/** Creates `coattail.people` (id, name) and appends `rows` people: id `i`, name `p<i>`. */
export async function createPeopleTable(catalog: IcebergCatalog, rows = 0): Promise<Table> {
  const schema = defineSchema([
    { name: 'id', type: 'long', required: true },
    { name: 'name', type: 'string' },
  ]);
  const table = await catalog.createTable('coattail.people', { schema });
  if (rows > 0) await table.append(Array.from({ length: rows }, (_, i) => ({ id: BigInt(i), name: `p${i}` })));
  return table;
}

/** Runs `coattail recon run` on `config` (written to `<dir>/recon.json`); its exit code and `result.json`. */
export async function reconRun<Result>(
  dir: string,
  config: { output: { dir: string } } & Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Promise<{ exit: number; result: Result }> {
  await writeFile(join(dir, 'recon.json'), JSON.stringify(config));
  const exit = await run(process.execPath, [CLI, 'recon', 'run', '--config', join(dir, 'recon.json')], { env }).then(
    () => 0,
    (error: { code: number }) => error.code,
  );
  const result = JSON.parse(await readFile(join(dir, config.output.dir, 'result.json'), 'utf8')) as Result;
  return { exit, result };
}
