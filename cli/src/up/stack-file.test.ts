import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_FILE, findRunningStack, removeStackFile, writeStackFile } from './stack-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coattail-stack-file-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const stack = {
  region: 'us-east-1',
  endpoints: { kinesis: 'http://127.0.0.1:1', dynamodb: 'http://127.0.0.1:2', s3: 'http://127.0.0.1:3' },
  alertsTable: 'coattail-alerts',
};

describe('the stack file of a running coattail up', () => {
  it('is found while its process runs, and removed by it on stop', async () => {
    expect((await findRunningStack(dir)).status).toBe('absent');
    await writeStackFile(dir, stack);
    const found = await findRunningStack(dir);
    expect(found).toMatchObject({ status: 'running', stack: { ...stack, pid: process.pid } });
    await removeStackFile(dir);
    expect((await findRunningStack(dir)).status).toBe('absent');
  });

  it('is stale once the process that wrote it is gone, and another process leaves it alone', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', 'console.log(process.pid)']);
    const file = join(dir, STACK_FILE);
    const content = JSON.stringify({ ...stack, pid: Number(stdout), startedAt: '2026-12-07T10:00:00Z' });
    await writeFile(file, content);
    expect((await findRunningStack(dir)).status).toBe('stale');
    await removeStackFile(dir);
    expect(await readFile(file, 'utf8')).toBe(content);
  });

  it('reads an unreadable file as absent', async () => {
    await writeFile(join(dir, STACK_FILE), '{ not json');
    expect((await findRunningStack(dir)).status).toBe('absent');
  });
});
