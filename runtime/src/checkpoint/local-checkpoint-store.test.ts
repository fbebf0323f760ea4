import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCheckpointStoreContract } from '../testing/checkpoint-store-contract.js';
import { LocalCheckpointStore } from './local-checkpoint-store.js';

describeCheckpointStoreContract(
  'LocalCheckpointStore',
  async () => new LocalCheckpointStore(await mkdtemp(join(tmpdir(), 'chk-'))),
  { describe, it },
);

describe('LocalCheckpointStore', () => {
  it('rejects keys that would escape its folder', async () => {
    const store = new LocalCheckpointStore(await mkdtemp(join(tmpdir(), 'chk-')));
    for (const key of ['../evil', '/etc/passwd', 'a//b', 'a/./b', '']) {
      await expect(store.put(key, new Uint8Array())).rejects.toThrow(/invalid checkpoint key/);
    }
  });

  it('lists nothing under a prefix whose folder does not exist', async () => {
    const store = new LocalCheckpointStore(join(await mkdtemp(join(tmpdir(), 'chk-')), 'never-created'));
    expect(await store.list('job/task/')).toEqual([]);
  });
});
