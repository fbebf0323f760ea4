import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { IcebergCatalog, LocalPointerStore } from '@coattail/iceberg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLI,
  createPeopleTable,
  run,
  WAREHOUSE_BUCKET,
  warehouseEnv,
  warehouseStore,
} from './warehouse.test-support.js';

describe('coattail iceberg maintain on a table in an S3 warehouse (s3rver)', () => {
  let stack: LocalStack;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'maintain-cli-'));
    stack = await startLocalStack({ streams: [], tables: [], dataDir: join(dir, 'stack') });
  });
  afterAll(async () => {
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const cli = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    return run(process.execPath, [CLI, 'iceberg', '--state-dir', join(dir, 'state'), 'maintain', ...args], {
      env: warehouseEnv(stack),
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  };

  /** Backdates every object of the warehouse bucket, as if written days ago (s3rver reports file times). */
  async function ageWarehouse(days: number): Promise<void> {
    const past = new Date(Date.now() - days * 86_400_000);
    const bucket = join(dir, 'stack', 's3', WAREHOUSE_BUCKET);
    for (const entry of await readdir(bucket, { recursive: true }))
      if (entry.endsWith('._S3rver_object')) await utimes(join(bucket, entry), past, past);
  }

  it('lists in a dry run, then compacts, expires and deletes the orphan a killed writer left', async () => {
    const catalog = new IcebergCatalog({
      pointers: new LocalPointerStore(join(dir, 'state', 'catalog')),
      store: warehouseStore(stack),
      cacheDir: join(dir, 'cache'),
    });
    const table = await createPeopleTable(catalog);
    for (let b = 0; b < 3; b++)
      await table.append(Array.from({ length: 10 }, (_, i) => ({ id: BigInt(b * 10 + i), name: `p${i}` })));
    const [orphan] = await table.writeDataFiles([{ id: 999n, name: 'never committed' }]);
    await ageWarehouse(4);

    const dry = await cli('people', '--dry-run', '--expire-older-than', '0s');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('compact: would rewrite 3 small files in 1 partitions');
    expect(dry.stdout).toContain('expire: would expire 2 snapshots');
    expect(dry.stdout).toContain(`would delete ${orphan!.filePath} (orphan)`);
    expect(dry.stdout).toContain('dry run: nothing was changed');
    expect((await catalog.loadTable('coattail.people')).snapshots()).toHaveLength(3);

    const done = await cli('people', '--expire-older-than', '0s');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('compact: rewrote 3 small files into 1 (30 rows)');
    expect(done.stdout).toContain(`deleted ${orphan!.filePath} (orphan)`);
    const after = await catalog.loadTable('coattail.people');
    expect(after.snapshots()).toHaveLength(1);
    expect(await after.scan().toRows()).toHaveLength(30);
    expect(await catalog.io.list(after.metadata.location)).not.toContain(orphan!.filePath);
  }, 120_000);

  it('refuses an orphan margin under a day and options that are not numbers, saying why', async () => {
    const short = await cli('people', '--orphan-older-than', '2h');
    expect(short.code).not.toBe(0);
    expect(short.stderr).toContain('--orphan-older-than must be at least 24h');
    const bad = await cli('people', '--retain-last', 'many');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("expected a whole number of at least 1, got 'many'");
    const help = await cli('--help');
    expect(help.stdout).toContain('coattail iceberg maintain raw_trades --dry-run');
  }, 60_000);
});
