import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { KinesisWriter } from '@coattail/connectors';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { startFakeGlueServer, type FakeGlueServer } from '@coattail/iceberg/testing';
import { silentLogger } from '@coattail/runtime';
import { parseJobConfig, platformTables } from '@coattail/stream-jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobProcess, stopAllJobProcesses, taskEnv, type JobProcess } from './job-process.js';

// Two `coattail job` processes as two ECS tasks of one service: kinesalite (4 shards), dynalite
// (alerts, leases), s3rver (warehouse, checkpoints); Glue is a fake endpoint on loopback (no Glue
// emulator runs here) that the real SDK client talks to.
const SYMBOLS = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT', 'XRP-USDT', 'ADA-USDT', 'DOGE-USDT', 'AVAX-USDT', 'DOT-USDT'];
let stack: LocalStack;
let glue: FakeGlueServer;
let dir: string;
const workers: JobProcess[] = [];
beforeAll(async () => {
  [stack, glue, dir] = await Promise.all([
    startLocalStack({ streams: [{ name: 'coattail-trades', shards: 4 }] }),
    startFakeGlueServer({ databases: ['coattail'] }),
    mkdtemp(join(tmpdir(), 'leased-tasks-')),
  ]);
});
afterAll(async () => {
  await stopAllJobProcesses();
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all([stack.stop(), glue.close(), rm(dir, { recursive: true, force: true })]);
});

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('two deployed tasks of one job (shared Glue catalog: leases on by default)', () => {
  it('split the shards, write every alert and Iceberg row once, and checkpoint into separate per-shard namespaces', async () => {
    const jobEnv = {
      ICEBERG_CATALOG: 'glue',
      GLUE_ENDPOINT: glue.endpoint,
      ALLOWED_SYMBOLS: SYMBOLS.join(','),
      CHECKPOINT_INTERVAL_MS: '500',
      SPLIT_DISCOVERY_MS: '300',
      LEASE_FAILOVER_MS: '2000',
    };
    const env = taskEnv(stack, jobEnv);
    // Each task has its own container disk; no --leases flag: the shared catalog turns them on.
    for (const task of ['a', 'b']) {
      const w = startJobProcess('whale-detector', join(dir, task), env);
      workers.push(w);
      await w.waitFor('stream job running');
    }
    const owners = workers.map((w) => `-${w.child.pid}`);
    const leaseItems = async () =>
      (await stack.clients.dynamodb.send(new ScanCommand({ TableName: 'coattail-leases-whale-detector' }))).Items ?? [];
    const ownerOf = (item: Record<string, { S?: string }>) => owners.findIndex((o) => item.leaseOwner?.S?.endsWith(o));
    const balanced = async () => {
      const items = await leaseItems();
      return items.length === 4 && [0, 1].every((i) => items.filter((it) => ownerOf(it) === i).length === 2);
    };
    let deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(await balanced())) await delay(200);
    expect(await balanced()).toBe(true);

    const now = Date.now();
    const whales = SYMBOLS.flatMap((symbol, s) =>
      [0, 1, 2].map((i) => ({
        event_id: `binance:${symbol}:${s * 10 + i}`,
        exchange: 'binance',
        symbol,
        price: 50_000,
        quantity: 3,
        quote_volume: 150_000,
        side: 'buy',
        trade_id: s * 10 + i,
        event_time: now + i,
        ingest_time: now,
      })),
    );
    const writer = new KinesisWriter({ client: stack.clients.kinesis, streamName: 'coattail-trades' });
    await writer.write(whales.map((t) => ({ partitionKey: t.symbol, data: Buffer.from(JSON.stringify(t)) })));
    await writer.close();

    const config = parseJobConfig(jobEnv);
    const tables = platformTables(
      { clients: stack.clients, catalogDir: join(dir, 'test'), logger: silentLogger },
      config,
    );
    const icebergRows = async () => (await (await tables('whale_trades')).refresh()).scan().toRows();
    const alerts = async () =>
      (await stack.clients.dynamodb.send(new ScanCommand({ TableName: config.ALERTS_TABLE }))).Items ?? [];
    deadline = Date.now() + 60_000;
    while (
      Date.now() < deadline &&
      ((await alerts()).length < whales.length || (await icebergRows()).length < whales.length)
    )
      await delay(300);
    const leasesBeforeStop = await leaseItems();
    expect(await Promise.all(workers.map((w) => w.stop()))).toEqual([0, 0]);

    expect((await alerts()).length).toBe(whales.length);
    const rows = await icebergRows();
    expect(rows.map((r) => r.event_id).sort()).toEqual(whales.map((w) => w.event_id).sort());
    // Both tasks did work: the shared table has commits from shards of each owner (operator id = operator@shard).
    const table = await (await tables('whale_trades')).refresh();
    const committedShards = new Set(
      table.snapshots().map((s) => (s.summary['coattail.operator-id'] ?? '').split('@')[1] ?? ''),
    );
    const committers = new Set(
      leasesBeforeStop.filter((l) => committedShards.has(l.leaseKey!.S!)).map((l) => ownerOf(l)),
    );
    expect(committers).toEqual(new Set([0, 1]));

    // One checkpoint namespace per shard (jobs/<job>/<shard>/), each recorded by the lease of that shard's owner.
    const keys =
      (
        await stack.clients.s3.send(
          new ListObjectsV2Command({ Bucket: config.CHECKPOINT_BUCKET, Prefix: 'jobs/whale-detector/' }),
        )
      ).Contents?.map((o) => o.Key!) ?? [];
    const shardsWithCheckpoints = new Set(keys.map((k) => decodeURIComponent(k.split('/')[2]!)));
    expect([...shardsWithCheckpoints].sort()).toEqual(leasesBeforeStop.map((l) => l.leaseKey!.S!).sort());
    for (const lease of leasesBeforeStop) {
      const checkpoint = lease.checkpoint?.S ?? '';
      expect(checkpoint).toMatch(/^chk-\d+$/);
      expect(keys).toContain(
        `jobs/whale-detector/${encodeURIComponent(lease.leaseKey!.S!)}/${checkpoint}/_manifest.json`,
      );
    }
    expect(new Set(leasesBeforeStop.map((l) => ownerOf(l))).size).toBe(2);
  }, 180_000);
});
