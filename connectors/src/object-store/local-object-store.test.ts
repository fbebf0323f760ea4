import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCheckpointStoreContract } from '@coattail/runtime/testing';
import { LocalObjectStore } from './local-object-store.js';

describeCheckpointStoreContract(
  'LocalObjectStore',
  async () => new LocalObjectStore(await mkdtemp(join(tmpdir(), 'objects-'))),
);

describe('LocalObjectStore', () => {
  it('describes itself as a file URL', async () => {
    const root = await mkdtemp(join(tmpdir(), 'objects-'));
    expect(new LocalObjectStore(root).location).toBe(`file://${root}`);
  });
});
