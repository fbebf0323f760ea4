import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deadPid, plantDeadLock } from '../../test/planted-lock.js';
import { tempCatalog, tradeSchema, tradeSpec, trades } from '../../test/temp-catalog.js';
import { CommitConflictError } from '../errors.js';
import type { DataFile } from '../manifest/manifest.js';
import { LocalPointerStore } from './local-pointer-store.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** Moves the pointer `v<n>` → `v<n+1>` with compare-and-swap, retrying on conflict: a commit in miniature. */
async function increment(store: LocalPointerStore, id: { namespace: string; name: string }): Promise<void> {
  for (;;) {
    const current = await store.get(id);
    try {
      await store.swap(id, current!, `v${Number(current!.slice(1)) + 1}`);
      return;
    } catch (error) {
      if (!(error instanceof CommitConflictError)) throw error;
    }
  }
}

describe('local catalog commits racing past a dead writer’s lock', () => {
  it('loses not one of 2000 compare-and-swaps when every round starts on a SIGKILLed writer’s lock', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lock-race-'));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    const id = { namespace: 'market', name: 'trades' };
    const shared = new LocalPointerStore(root);
    // Two writers share a store (shard tasks of one process), two have their own (other processes).
    const writers = [shared, shared, new LocalPointerStore(root), new LocalPointerStore(root)];
    await shared.create(id, 'v0');
    const dead = await deadPid();
    const rounds = 500;
    let committed = 0;
    for (let r = 0; r < rounds; r++) {
      await plantDeadLock(root, 'market.trades', dead);
      await Promise.all(writers.map(async (w) => increment(w, id).then(() => committed++)));
    }
    expect(committed).toBe(rounds * writers.length);
    // Every successful swap moved the pointer by one: two that swapped from the same base would leave it short.
    expect(await shared.get(id)).toBe(`v${committed}`);
  }, 180_000);

  it('keeps every snapshot and row of concurrent Table.commitAppend calls after a dead writer’s lock', async () => {
    const env = await tempCatalog();
    cleanups.push(env.cleanup);
    const table = await env.catalog.createTable('market.trades', { schema: tradeSchema, spec: tradeSpec });
    const other = await env.catalog.loadTable('market.trades');
    // 9 files per write (3 days × 3 symbols); one file per commit keeps the Parquet work small.
    const files: DataFile[] = [];
    for (let b = 0; b < 6; b++) files.push(...(await table.writeDataFiles(trades(27, 3, b * 27))));
    const dead = await deadPid();
    const perRound = 3;
    for (let i = 0; i < files.length; i += perRound) {
      await plantDeadLock(join(env.root, 'catalog'), 'market.trades', dead);
      // Two commits through one Table (one process's shard tasks) and one through another instance.
      await Promise.all(
        files
          .slice(i, i + perRound)
          .map((f, k) => (k === 2 ? other : table).commitAppend([f], { retries: 50, minWaitMs: 1, maxWaitMs: 20 })),
      );
    }
    const loaded = await env.catalog.loadTable('market.trades');
    expect(loaded.snapshots()).toHaveLength(files.length);
    const rows = await loaded.scan().toRows();
    expect(rows).toHaveLength(6 * 27);
    expect(new Set(rows.map((r) => r.trade_id)).size).toBe(6 * 27);
  }, 180_000);
});
