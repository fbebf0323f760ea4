import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalObjectStore } from '@coattail/connectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectStoreFetcher } from './object-fetcher.js';
import { replayEventsFile } from './replay.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dq-fetch-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('objectStoreFetcher', () => {
  it('copies an object of a bucket-named store to a local file, and reports a missing one as a user error', async () => {
    const store = new LocalObjectStore(join(dir, 'landing'));
    await store.put('a/b.csv', new TextEncoder().encode('x\n1\n'));
    const fetcher = objectStoreFetcher({ landing: store });
    const target = join(dir, 'out', 'b.csv');
    expect(await fetcher.download('landing', 'a/b.csv', target)).toEqual({ size: 4 });
    expect(await readFile(target, 'utf8')).toBe('x\n1\n');
    await expect(fetcher.download('landing', 'nope.csv', target)).rejects.toMatchObject({
      code: 'OBJECT_UNAVAILABLE',
      domain: 'user',
      retryable: false,
    });
    await expect(fetcher.download('other', 'a/b.csv', target)).rejects.toMatchObject({ code: 'OBJECT_UNAVAILABLE' });
  });
});

describe('replayEventsFile', () => {
  it('names the file it cannot read', async () => {
    await expect(
      replayEventsFile(join(dir, 'missing.json'), { process: () => Promise.reject(new Error('unused')) }),
    ).rejects.toThrow(/cannot read events file .*missing\.json/);
  });
});
