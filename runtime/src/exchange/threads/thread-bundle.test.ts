import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeStaleBundles, STALE_BUNDLE_MS } from './thread-bundle.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function fileWritten(dir: string, name: string, at: number): Promise<void> {
  await writeFile(join(dir, name), 'export {};');
  await utimes(join(dir, name), new Date(at), new Date(at));
}

describe('removeStaleBundles', () => {
  it('removes bundles and half-written files no job wrote for a day, and keeps the rest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bundles-'));
    dirs.push(dir);
    const now = Date.now();
    await fileWritten(dir, 'old.mjs', now - STALE_BUNDLE_MS - 60_000);
    await fileWritten(dir, 'old.mjs.123.456', now - STALE_BUNDLE_MS - 60_000);
    await fileWritten(dir, 'recent.mjs', now - STALE_BUNDLE_MS + 60_000);
    await mkdir(join(dir, 'a-directory'));
    await utimes(join(dir, 'a-directory'), new Date(0), new Date(0));
    expect(await removeStaleBundles(dir, now)).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(['a-directory', 'recent.mjs']);
  });

  it('does nothing when the directory does not exist', async () => {
    expect(await removeStaleBundles(join(tmpdir(), `no-bundles-${process.pid}-${Date.now()}`), Date.now())).toBe(0);
  });
});
