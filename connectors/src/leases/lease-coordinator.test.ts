import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, LocalCheckpointStore } from '@coattail/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ConnectorError, LeaseLostError } from '../errors.js';
import { ensureTable, loadTableDefinitions } from '../dynamodb/table-definitions.js';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { LeaseCoordinator } from './lease-coordinator.js';
import { FencedCheckpointStore } from './lease-integration.js';
import { SHARD_END, type LeaseShard } from './lease-table.js';

let stack: LocalStack;
let n = 0;
beforeAll(async () => {
  stack = await startLocalStack({ streams: [], tables: [], buckets: [] });
});
afterAll(() => stack.stop());

async function leaseTable(): Promise<string> {
  const def = (await loadTableDefinitions()).find((t) => t.TableName === 'coattail-leases')!;
  const name = `leases-${n++}`;
  await ensureTable(stack.clients.dynamodb, def, name);
  return name;
}

const shards = (...ids: string[]): LeaseShard[] => ids.map((shardId) => ({ shardId, parentShardIds: [] }));
const worker = (tableName: string, workerId: string, list: LeaseShard[], failoverTimeMs = 60_000): LeaseCoordinator =>
  new LeaseCoordinator({
    client: stack.clients.dynamodb,
    tableName,
    workerId,
    listShards: () => Promise.resolve(list),
    failoverTimeMs,
    shardSyncIntervalMs: 0,
  });

describe('LeaseCoordinator', () => {
  it('shares shards evenly: a second worker steals until both hold their fair share', async () => {
    const table = await leaseTable();
    const list = shards('s0', 's1', 's2', 's3');
    const a = worker(table, 'a', list);
    const b = worker(table, 'b', list);
    await a.runRound();
    expect(a.held().size).toBe(4);
    await b.runRound();
    await b.runRound();
    await a.runRound();
    expect(b.held().size).toBe(2);
    expect(a.held().size).toBe(2);
    expect([...a.held(), ...b.held()].sort()).toEqual(['s0', 's1', 's2', 's3']);
  });

  it('fences checkpoints: a worker whose lease was taken can no longer record progress', async () => {
    const table = await leaseTable();
    const a = worker(table, 'a', shards('s0'), 200);
    const b = worker(table, 'b', shards('s0'), 200);
    await a.runRound();
    await a.checkpoint('s0', '100');
    await b.runRound();
    await new Promise((r) => setTimeout(r, 300));
    await b.runRound(); // a has not renewed for longer than the failover time: b takes over
    expect(b.holds('s0')).toBe(true);
    await expect(a.checkpoint('s0', '200')).rejects.toBeInstanceOf(LeaseLostError);
    await b.checkpoint('s0', '150');
    const [lease] = await b.table.list();
    expect(lease).toMatchObject({ leaseKey: 's0', leaseOwner: 'b', checkpoint: '150' });
  });

  it('takes a child shard only after every parent reached SHARD_END', async () => {
    const table = await leaseTable();
    const list: LeaseShard[] = [
      { shardId: 'p', parentShardIds: [] },
      { shardId: 'c1', parentShardIds: ['p'] },
      { shardId: 'c2', parentShardIds: ['p'] },
    ];
    const a = worker(table, 'a', list);
    await a.runRound();
    expect([...a.held()]).toEqual(['p']);
    await a.checkpoint('p', SHARD_END);
    await a.runRound();
    expect([...a.held()].sort()).toEqual(['c1', 'c2']);
  });

  it('blocks a merged child until BOTH parents reached SHARD_END', async () => {
    const table = await leaseTable();
    const list: LeaseShard[] = [
      { shardId: 'p1', parentShardIds: [] },
      { shardId: 'p2', parentShardIds: [] },
      { shardId: 'c', parentShardIds: ['p1', 'p2'] },
    ];
    const a = worker(table, 'a', list);
    await a.runRound();
    expect([...a.held()].sort()).toEqual(['p1', 'p2']);
    await a.checkpoint('p1', SHARD_END);
    await a.runRound();
    await a.runRound();
    expect([...a.held()]).toEqual(['p2']);
    await a.checkpoint('p2', SHARD_END);
    await a.runRound();
    expect([...a.held()]).toEqual(['c']);
  });

  it('treats a parent without a lease row as ended (as the KCL does: its lease was cleaned up or never made)', async () => {
    const table = await leaseTable();
    const a = worker(table, 'a', [{ shardId: 'c', parentShardIds: ['trimmed-parent'] }]);
    await a.runRound();
    expect([...a.held()]).toEqual(['c']);
  });

  it('gives its leases back on stop so another worker takes them at once', async () => {
    const table = await leaseTable();
    const a = worker(table, 'a', shards('s0', 's1'));
    const b = worker(table, 'b', shards('s0', 's1'));
    await a.runRound();
    await a.stop();
    await b.runRound();
    expect(b.held().size).toBe(2);
  });

  it('refuses a lease item it cannot read, naming the table, the item and the attribute, instead of leasing from a guess', async () => {
    const table = await leaseTable();
    const a = worker(table, 'a', shards('s0', 's1'));
    await a.runRound();
    await a.stop();
    // s1's counter written as text: read as 0 it would break the fencing.
    await stack.clients.dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          leaseKey: { S: 's1' },
          leaseCounter: { S: 'seven' },
          checkpoint: { S: 'TRIM_HORIZON' },
          parentShardIds: { L: [] },
          ownerSwitchesSinceCheckpoint: { N: '0' },
        },
      }),
    );
    const b = worker(table, 'b', shards('s0', 's1'));
    const error = await b.runRound().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('LEASE_INVALID');
    expect((error as Error).message).toContain(`lease table '${table}': item 's1' is not a lease (leaseCounter:`);
    expect((error as ConnectorError).retryable).toBe(false);
    expect(b.held().size).toBe(0);
  });

  it('fences a task state only when it can read its status: a state of another shape is refused before it is written', async () => {
    const table = await leaseTable();
    const a = worker(table, 'a', shards('s0'));
    await a.runRound();
    const dir = await mkdtemp(join(tmpdir(), 'fenced-'));
    try {
      const inner = new LocalCheckpointStore(dir);
      const store = new FencedCheckpointStore(inner, a);
      const state = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));
      await expect(store.put('job/s0/chk-1/state.json', state({ status: 'paused' }))).rejects.toThrow(
        /checkpoint state 'job\/s0\/chk-1\/state\.json' cannot be fenced on its lease \(status: /,
      );
      await expect(store.put('job/s0/chk-1/state.json', Buffer.from('{"status":'))).rejects.toBeInstanceOf(
        CheckpointError,
      );
      expect(await inner.list('job/')).toEqual([]);
      await store.put('job/s0/chk-2/state.json', state({ status: 'finished' }));
      await store.put('job/s0/chk-2/_manifest.json', state({}));
      expect((await a.table.list()).find((l) => l.leaseKey === 's0')?.checkpoint).toBe(SHARD_END);
    } finally {
      await a.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
