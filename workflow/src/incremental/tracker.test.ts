import { describe, expect, it } from 'vitest';
import { RunStoreError } from '../errors.js';
import type { ObjectInfo } from './objects.js';
import {
  commitStageChanges,
  describeChanges,
  detectStageChanges,
  stateKey,
  type IncrementalStateStore,
  type InputObserver,
} from './tracker.js';

class MemoryState implements IncrementalStateStore {
  readonly values = new Map<string, unknown>();
  getState(pipeline: string, key: string): Promise<unknown> {
    return Promise.resolve(this.values.get(`${pipeline}|${key}`));
  }
  putState(pipeline: string, key: string, value: unknown): Promise<void> {
    this.values.set(`${pipeline}|${key}`, value);
    return Promise.resolve();
  }
}

function observer(listing: ObjectInfo[]): InputObserver & { previous: unknown[] } {
  const previous: unknown[] = [];
  return {
    previous,
    listObjects: (_uri, prev) => {
      previous.push(prev);
      return Promise.resolve(listing);
    },
    icebergSnapshots: () =>
      Promise.resolve({
        currentSnapshotId: '7',
        snapshots: [{ id: '7', operation: 'append' }],
        filesAddedBy: () => Promise.resolve([]),
      }),
    maxValue: () => Promise.resolve(42),
    contentHash: () => Promise.resolve('h1'),
  };
}

const base = { pipeline: 'p', stageId: 's', inputs: ['s3://b/in/'] };

describe('incremental state across runs', () => {
  it('remembers what a successful stage consumed and skips it next time', async () => {
    const store = new MemoryState();
    const obs = observer([{ key: 'a', size: 1, etag: 'x' }]);
    const first = await detectStageChanges({ ...base, spec: { mode: 'objects' }, observer: obs, store });
    expect(first[0]?.hasWork).toBe(true);
    await commitStageChanges(store, 'p', 's', first);
    const second = await detectStageChanges({ ...base, spec: { mode: 'objects' }, observer: obs, store });
    expect(second[0]?.hasWork).toBe(false);
    expect(obs.previous[1]).toEqual({ a: [1, 'x'] });
    expect(describeChanges(second)).toBe('s3://b/in/: 0 new objects, 0 changed, 0 deleted, 1 unchanged skipped');
  });

  it('keeps state per partition for partitioned stages', async () => {
    const store = new MemoryState();
    const changes = await detectStageChanges({
      ...base,
      spec: { mode: 'content-hash' },
      observer: observer([]),
      store,
      partition: '2026-12-07',
    });
    await commitStageChanges(store, 'p', 's', changes, '2026-12-07');
    expect(stateKey('s', 's3://b/in/', '2026-12-07')).toBe('incremental/s/2026-12-07/s3://b/in/');
    expect(store.values.get(`p|incremental/s/2026-12-07/s3://b/in/`)).toEqual({ mode: 'content-hash', hash: 'h1' });
  });

  it('uses every detector through the observer', async () => {
    const store = new MemoryState();
    const obs = observer([]);
    const [ice] = await detectStageChanges({ ...base, spec: { mode: 'iceberg-snapshots' }, observer: obs, store });
    const [hwm] = await detectStageChanges({
      ...base,
      spec: { mode: 'high-water-mark', column: 'id' },
      observer: obs,
      store,
    });
    const [noColumn] = await detectStageChanges({ ...base, spec: { mode: 'high-water-mark' }, observer: obs, store });
    expect([ice?.mode, hwm?.range, noColumn?.describe]).toEqual([
      'iceberg-snapshots',
      { to: 42 },
      's3://b/in/: full read up to  = 42 (first run)',
    ]);
  });

  it('starts over when a stage changed its incremental mode', async () => {
    const store = new MemoryState();
    await store.putState('p', stateKey('s', 's3://b/in/'), { mode: 'content-hash', hash: 'h1' });
    const [c] = await detectStageChanges({
      ...base,
      spec: { mode: 'objects' },
      observer: observer([{ key: 'a', size: 1, etag: 'x' }]),
      store,
    });
    expect(c).toMatchObject({ hasWork: true, full: true });
    const [same] = await detectStageChanges({ ...base, spec: { mode: 'content-hash' }, observer: observer([]), store });
    expect(same?.hasWork).toBe(false);
  });

  it('refuses unreadable stored state and says how to recover', async () => {
    const store = new MemoryState();
    await store.putState('p', stateKey('s', 's3://b/in/'), { mode: 'objects', objects: 'garbage' });
    const run = detectStageChanges({ ...base, spec: { mode: 'objects' }, observer: observer([]), store });
    await expect(run).rejects.toBeInstanceOf(RunStoreError);
    await expect(run).rejects.toThrow(/unreadable .* delete it to reprocess the input in full/);
  });

  it('does not remember an input that had nothing to remember yet', async () => {
    const store = new MemoryState();
    await commitStageChanges(store, 'p', 's', [
      {
        input: 'x',
        mode: 'iceberg-snapshots',
        hasWork: false,
        full: false,
        added: [],
        changed: [],
        deleted: [],
        skipped: 0,
        waiting: [],
        describe: '',
      },
    ]);
    expect(store.values.size).toBe(0);
  });
});
