import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KinesisWriter } from '@coattail/connectors';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { startFakeGlueServer, type FakeGlueServer } from '@coattail/iceberg/testing';
import { silentLogger } from '@coattail/runtime';
import { parseJobConfig, platformTables } from '@coattail/stream-jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobProcess, stopAllJobProcesses, taskEnv } from './job-process.js';

// A task replaced by ECS comes back with an empty disk. kinesalite, dynalite and s3rver stand in for
// AWS; Glue is a fake endpoint on loopback (no Glue emulator runs here) spoken to by the real SDK.
let stack: LocalStack;
let glue: FakeGlueServer;
let dir: string;
beforeAll(async () => {
  [stack, glue, dir] = await Promise.all([
    startLocalStack({ streams: [{ name: 'coattail-trades', shards: 2 }] }),
    startFakeGlueServer({ databases: ['coattail'] }),
    mkdtemp(join(tmpdir(), 'fresh-disk-')),
  ]);
});
afterAll(async () => {
  await stopAllJobProcesses();
  await Promise.all([stack.stop(), glue.close(), rm(dir, { recursive: true, force: true })]);
});

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

function trades(from: number, n: number) {
  const symbols = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'];
  const now = Date.now();
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      event_id: `coinbase:${symbols[i % 3]}:${i}`,
      exchange: 'coinbase',
      symbol: symbols[i % 3]!,
      price: 100 + i,
      quantity: 0.5,
      quote_volume: (100 + i) * 0.5,
      side: 'sell',
      trade_id: i,
      event_time: now + i,
      ingest_time: now + i + 5,
    };
  });
}

describe('a job restarted with a fresh container disk', () => {
  it('resumes from the shared Glue catalog and the S3 checkpoints with no row lost or duplicated', async () => {
    const jobEnv = { ICEBERG_CATALOG: 'glue', GLUE_ENDPOINT: glue.endpoint, CHECKPOINT_INTERVAL_MS: '500' };
    const env = taskEnv(stack, jobEnv);
    const tables = platformTables(
      { clients: stack.clients, catalogDir: join(dir, 'test'), logger: silentLogger },
      parseJobConfig(jobEnv),
    );
    const archived = async () =>
      (await (await tables('raw_trades')).refresh())
        .scan()
        .toRows()
        .then((rows) => rows.map((r) => String(r.event_id)));
    const publish = async (batch: ReturnType<typeof trades>) => {
      const writer = new KinesisWriter({ client: stack.clients.kinesis, streamName: 'coattail-trades' });
      await writer.write(batch.map((t) => ({ partitionKey: t.symbol, data: Buffer.from(JSON.stringify(t)) })));
      await writer.close();
    };
    const waitForRows = async (n: number) => {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && (await archived()).length < n) await delay(300);
    };

    const first = trades(0, 30);
    const second = trades(30, 30);
    const before = startJobProcess('raw-archiver', join(dir, 'disk-1'), env);
    await before.waitFor('stream job running');
    await publish(first);
    await waitForRows(first.length);
    // Trades that arrive while no task runs are read by the next one.
    await publish(second.slice(0, 10));
    expect(await before.stop()).toBe(0);
    await rm(join(dir, 'disk-1'), { recursive: true, force: true });

    const after = startJobProcess('raw-archiver', join(dir, 'disk-2'), env);
    await after.waitFor('stream job running');
    await publish(second.slice(10));
    await waitForRows(first.length + second.length);
    expect(await after.stop()).toBe(0);

    const ids = await archived();
    expect(ids.length).toBe(first.length + second.length);
    expect(ids.sort()).toEqual([...first, ...second].map((t) => t.event_id).sort());
    expect(after.output()).toContain('"msg":"restoring from checkpoint"');
    // The new disk holds nothing the job needs: no local catalog was made there.
    expect(await readdir(join(dir, 'disk-2')).catch(() => [])).not.toContain('catalog');
  }, 180_000);
});
