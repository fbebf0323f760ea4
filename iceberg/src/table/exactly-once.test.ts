import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempCatalog, tradeSchema, trades } from '../../test/temp-catalog.js';

let env: Awaited<ReturnType<typeof tempCatalog>>;
beforeEach(async () => {
  env = await tempCatalog();
});
afterEach(async () => env.cleanup());

const job = { jobId: 'whale-alerts', operatorId: 'iceberg-sink-raw_trades' };

describe('exactly-once commits', () => {
  it('stamps job, operator and checkpoint on the snapshot and finds the highest through the ancestry', async () => {
    const table = await env.catalog.createTable('market.trades', { schema: tradeSchema });
    expect(await table.maxCommittedCheckpointId(job.jobId, job.operatorId)).toBe(-1);
    await table.append(trades(3), { checkpoint: { ...job, checkpointId: 1 } });
    await table.append(trades(3, 3, 3), { checkpoint: { ...job, checkpointId: 2 } });
    // other writers and other operators in between are walked past, not stopped at
    await table.append(trades(2, 3, 100), {
      checkpoint: { jobId: 'other-job', operatorId: job.operatorId, checkpointId: 99 },
    });
    await table.append(trades(2, 3, 200));
    expect(table.currentSnapshot()!.summary).not.toHaveProperty(['coattail.job-id']);
    expect(await table.maxCommittedCheckpointId(job.jobId, job.operatorId)).toBe(2);
    expect(await table.maxCommittedCheckpointId('other-job', job.operatorId)).toBe(99);
    expect(table.snapshots()[1]!.summary).toMatchObject({
      'coattail.job-id': 'whale-alerts',
      'coattail.operator-id': 'iceberg-sink-raw_trades',
      'coattail.max-committed-checkpoint-id': '2',
    });
  });

  it('skips a replayed checkpoint after a restart, even when the first commit’s response was lost', async () => {
    const table = await env.catalog.createTable('market.trades', { schema: tradeSchema });
    const files = await table.writeDataFiles(trades(5));
    // the commit lands, but the process dies before it learns so (the committable stays in its checkpoint state)
    await table.commitAppend(files, { checkpoint: { ...job, checkpointId: 7 } });
    // after restart the same committable is committed again, from a fresh client
    const restarted = await env.catalog.loadTable('market.trades');
    const replay = await restarted.commitAppend(files, { checkpoint: { ...job, checkpointId: 7 } });
    expect(replay).toEqual({ status: 'already-committed', maxCommittedCheckpointId: 7 });
    expect(await restarted.scan().toRows()).toHaveLength(5);
    // and an older checkpoint restored from a stale state is skipped too
    expect((await restarted.commitAppend(files, { checkpoint: { ...job, checkpointId: 6 } })).status).toBe(
      'already-committed',
    );
  });

  it('re-checks the checkpoint on every retry, so a commit that lands concurrently is not applied twice', async () => {
    const table = await env.catalog.createTable('market.trades', { schema: tradeSchema });
    const files = await table.writeDataFiles(trades(5));
    const inFlight = await env.catalog.loadTable('market.trades');
    // Our first attempt loses to an in-flight commit of the same checkpoint (e.g. a request still
    // being processed when we retried); the retry must see it and stop.
    const originalCommit = table.ops.commit.bind(table.ops);
    let first = true;
    table.ops.commit = async (base, metadata) => {
      if (first) {
        first = false;
        await inFlight.commitAppend(files, { checkpoint: { ...job, checkpointId: 3 } });
      }
      return originalCommit(base, metadata);
    };
    const result = await table.commitAppend(files, { checkpoint: { ...job, checkpointId: 3 }, minWaitMs: 1 });
    expect(result.status).toBe('already-committed');
    expect(await (await env.catalog.loadTable('market.trades')).scan().toRows()).toHaveLength(5);
  });
});
