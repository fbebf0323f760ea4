import { mkdtemp, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCheckpointStoreContract } from '@coattail/runtime/testing';
import { LocalObjectStore } from './local-object-store.js';

describeCheckpointStoreContract(
  'LocalObjectStore',
  async () => new LocalObjectStore(await mkdtemp(join(tmpdir(), 'objects-'))),
  { describe, it },
);

describe('LocalObjectStore', () => {
  it('describes itself as a file URL', async () => {
    const root = await mkdtemp(join(tmpdir(), 'objects-'));
    expect(new LocalObjectStore(root).location).toBe(`file://${root}`);
  });

  it('lists each object with its last-modified time and size', async () => {
    const store = new LocalObjectStore(await mkdtemp(join(tmpdir(), 'objects-')));
    await store.put('t/data/a.parquet', new Uint8Array(5));
    const past = new Date(Date.UTC(2026, 0, 1));
    await utimes(join(store.root, 't/data/a.parquet'), past, past);
    expect(await store.listDetailed('t/')).toEqual([
      { key: 't/data/a.parquet', lastModifiedMs: past.getTime(), sizeBytes: 5 },
    ]);
  });
});
