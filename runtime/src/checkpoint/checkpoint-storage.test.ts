import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../errors.js';
import { TaskCheckpoints } from './checkpoint-storage.js';
import { LocalCheckpointStore } from './local-checkpoint-store.js';
import type { TaskCheckpoint } from './task-checkpoint.js';

const checkpoint = (checkpointId: number): TaskCheckpoint => ({
  version: 1,
  jobId: 'job',
  taskId: 'task-0',
  checkpointId,
  createdAt: 1_700_000_000_000,
  watermark: 1_699_999_999_000,
  splits: [
    { source: 'trades', descriptor: { id: 'shard-1', meta: { range: [0, 9] } }, position: '4963', watermark: 12 },
  ],
  endedSplits: ['trades/shard-0'],
  pendingSplits: [],
  handedOff: [{ source: 'trades', descriptor: { id: 'shard-2', parents: ['shard-0'] } }],
  operators: { 'window-1': { keys: { BTCUSDT: [1, 2] } } },
  committables: { iceberg: [[checkpointId, { files: ['a.parquet'] }]] },
  status: 'running',
});

async function storage(): Promise<{ checkpoints: TaskCheckpoints; store: LocalCheckpointStore }> {
  const store = new LocalCheckpointStore(await mkdtemp(join(tmpdir(), 'chk-')));
  return { checkpoints: new TaskCheckpoints(store, 'job', 'task-0'), store };
}

const STATE = 'job/task-0/chk-0000000002/state.json';
const MANIFEST = 'job/task-0/chk-0000000002/_manifest.json';

/** Rewrites checkpoint 2's state as `state` and its manifest to match, as a buggy or foreign writer would. */
async function replaceState(store: LocalCheckpointStore, state: unknown): Promise<void> {
  const { createHash } = await import('node:crypto');
  const body = Buffer.from(JSON.stringify(state));
  const manifest = JSON.parse(Buffer.from((await store.get(MANIFEST))!).toString('utf8')) as Record<string, unknown>;
  await store.put(STATE, body);
  await store.put(
    MANIFEST,
    Buffer.from(
      JSON.stringify({ ...manifest, bytes: body.byteLength, sha256: createHash('sha256').update(body).digest('hex') }),
    ),
  );
}

describe('TaskCheckpoints', () => {
  it('restores what it wrote, field for field', async () => {
    const { checkpoints } = await storage();
    await checkpoints.write(checkpoint(1));
    await checkpoints.write(checkpoint(2));
    expect(await checkpoints.latest()).toEqual(checkpoint(2));
    expect(await checkpoints.load(1)).toEqual(checkpoint(1));
  });

  it('skips a checkpoint whose state never completed, back to the one before it', async () => {
    const { checkpoints, store } = await storage();
    await checkpoints.write(checkpoint(1));
    await checkpoints.write(checkpoint(2));
    await store.put(STATE, Buffer.from('{"version":1,"jobId":"jo'));
    expect((await checkpoints.latest())?.checkpointId).toBe(1);
  });

  it('refuses a manifest that is not one, naming the object and what is wrong', async () => {
    const { checkpoints, store } = await storage();
    await checkpoints.write(checkpoint(2));
    await store.put(MANIFEST, Buffer.from(JSON.stringify({ jobId: 'job', stateKey: STATE })));
    const error = await checkpoints.latest().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as CheckpointError).retryable).toBe(false);
    expect((error as Error).message).toMatch(
      new RegExp(`'${MANIFEST}' is corrupt \\(taskId: .*checkpointId: .*sha256`),
    );
    await store.put(MANIFEST, Buffer.from('not json'));
    await expect(checkpoints.latest()).rejects.toThrow(/is corrupt \(not JSON\)/);
  });

  it('refuses state of another shape than this runtime writes, instead of resuming from a guess', async () => {
    const { checkpoints, store } = await storage();
    await checkpoints.write(checkpoint(2));
    const { splits: _, ...noSplits } = checkpoint(2);
    await replaceState(store, { ...noSplits, version: 2, status: 'paused' });
    await expect(checkpoints.latest()).rejects.toThrow(
      new RegExp(`'${STATE}' is corrupt \\(version: .*; splits: .*; status: .*\\)`),
    );
    await replaceState(store, {
      ...checkpoint(2),
      splits: [{ source: 'trades', descriptor: { id: 7 }, watermark: 0 }],
    });
    await expect(checkpoints.load(2)).rejects.toThrow(/splits\.0\.descriptor\.id: .*splits\.0\.position: missing/);
  });

  it("refuses state that belongs to another task or checkpoint than its manifest's", async () => {
    const { checkpoints, store } = await storage();
    await checkpoints.write(checkpoint(2));
    await replaceState(store, { ...checkpoint(2), taskId: 'task-1' });
    await expect(checkpoints.latest()).rejects.toThrow(/taskId "task-1" where its manifest says "task-0"/);
    await replaceState(store, checkpoint(1));
    await expect(checkpoints.latest()).rejects.toThrow(/checkpointId 1 where its manifest says 2/);
  });
});
