import { spawn } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileRunStore } from '../src/run-store/file-run-store.js';
import { tempDir } from './helpers.js';
import { describeRunStoreContract, sampleRun } from './run-store-contract.js';

describeRunStoreContract('embedded (JSON files)', async () => new FileRunStore(await tempDir('wf-store-')));

describe('embedded run store', () => {
  it('breaks a lock whose owner process is gone instead of blocking the pipeline forever', async () => {
    const dir = await tempDir('wf-lock-');
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid ?? 0;
    await new Promise((r) => child.on('exit', r));
    await mkdir(join(dir, 'locks'), { recursive: true });
    await writeFile(
      join(dir, 'locks', 'p@*.lock'),
      JSON.stringify({ owner: 'run dead', pid, host: hostname(), acquiredAt: 'x' }),
    );
    const lock = await new FileRunStore(dir).tryLock('p', '*', 'run alive');
    expect('release' in lock).toBe(true);
  });

  it('respects a lock held by a live process on another host', async () => {
    const dir = await tempDir('wf-lock-');
    await mkdir(join(dir, 'locks'), { recursive: true });
    await writeFile(
      join(dir, 'locks', 'p@*.lock'),
      JSON.stringify({ owner: 'run far', pid: 1, host: 'elsewhere', acquiredAt: 'x' }),
    );
    expect(await new FileRunStore(dir).tryLock('p', '*', 'run here')).toEqual({
      heldBy: 'run far (pid 1 on elsewhere since x)',
    });
  });

  it('leaves no temporary files behind and refuses a run file that is not a run', async () => {
    const dir = await tempDir('wf-store-');
    const store = new FileRunStore(dir);
    await store.createRun(sampleRun('r1'));
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.putStage('r1', `s${i}`, { status: 'SUCCEEDED', attempts: [] })),
    );
    expect(Object.keys((await store.getRun('r1'))?.stages ?? {})).toHaveLength(21);
    expect(await readdir(join(dir, 'runs'))).toEqual(['r1.json']);
    await writeFile(join(dir, 'runs', 'bad.json'), '{"runId":"bad"}');
    await expect(store.getRun('bad')).rejects.toThrow(/bad.json is not a run record/);
    expect(store.location).toMatch(/^file:\/\//);
  });

  it('names the file when a run or state file is not JSON', async () => {
    const dir = await tempDir('wf-store-');
    const store = new FileRunStore(dir);
    await store.createRun(sampleRun('r1'));
    await writeFile(join(dir, 'runs', 'r1.json'), '{"runId": "r1", "pipe');
    await expect(store.getRun('r1')).rejects.toThrow(/runs\/r1\.json is not JSON .*; repair or delete it/);
    await store.putState('p', 'k', { done: true });
    expect(await store.getState('p', 'k')).toEqual({ done: true });
    await writeFile(join(dir, 'state', 'p', 'k.json'), 'undefined');
    await expect(store.getState('p', 'k')).rejects.toThrow(/state\/p\/k\.json is not JSON/);
  });
});
