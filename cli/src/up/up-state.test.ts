import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../main.js';
import { lockStateDir, readUpState, StateDirInUseError, UP_STATE_FILE, type UpStack } from './up-state.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill();
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** A live process other than this one (it holds a state directory in the tests). */
async function otherProcess(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  return child.pid!;
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

const stateDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'coattail-state-'));
const stack: UpStack = {
  region: 'us-east-1',
  endpoints: { kinesis: 'http://127.0.0.1:1', dynamodb: 'http://127.0.0.1:2', s3: 'http://127.0.0.1:3' },
  alertsTable: 'coattail-alerts',
};
const inUse = (dir: string, pid: number): string =>
  `already running (pid ${pid}) on the state directory ${dir}: stop that coattail up (Ctrl-C, or kill ${pid}) or pass another --state-dir`;

describe('the state file of coattail up', () => {
  it('says where the stack serves only between publish and withdraw, and is gone after a clean stop', async () => {
    const dir = await stateDir();
    expect((await readUpState(dir)).status).toBe('absent');
    const lock = await lockStateDir(dir);
    expect(lock.replaced).toEqual([]);
    expect(await readUpState(dir)).toMatchObject({ status: 'starting', state: { pid: process.pid } });
    await lock.publish(stack);
    expect(await readUpState(dir)).toMatchObject({ status: 'running', stack, state: { pid: process.pid } });
    await lock.withdraw();
    expect(await readUpState(dir)).toMatchObject({ status: 'stopping', state: { pid: process.pid } });
    await lock.release();
    expect((await readUpState(dir)).status).toBe('absent');
    expect(await readdir(dir)).toEqual([]);
  });

  it('is never seen half-written while it is rewritten', async () => {
    const dir = await stateDir();
    const lock = await lockStateDir(dir);
    // A large record, so that a write in place would be caught part-way.
    const large = { ...stack, alertsTable: 'a'.repeat(1 << 20) };
    let writing = true;
    const writes = (async () => {
      for (let i = 0; i < 20; i++) await (i % 2 === 0 ? lock.publish(large) : lock.withdraw());
      writing = false;
    })();
    const seen = new Set<string>();
    const reader = async (): Promise<void> => {
      while (writing) seen.add((await readUpState(dir)).status);
    };
    await Promise.all([writes, reader(), reader()]);
    expect(seen).toContain('running');
    expect(seen).not.toContain('unreadable');
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('is held by one process: a second one is told who holds it', async () => {
    const dir = await stateDir();
    const holder = await otherProcess();
    await lockStateDir(dir, holder);
    const error = await lockStateDir(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateDirInUseError);
    expect((error as Error).message).toBe(inUse(dir, holder));
  });

  it('goes to exactly one of two runs that start at once', async () => {
    const dir = await stateDir();
    const [a, b] = [await otherProcess(), await otherProcess()];
    const results = await Promise.allSettled([lockStateDir(dir, a), lockStateDir(dir, b)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(StateDirInUseError);
  });

  it('is taken over from a run that died without releasing it, saying so', async () => {
    const dir = await stateDir();
    const dead = await deadPid();
    await writeFile(
      join(dir, UP_STATE_FILE),
      JSON.stringify({ pid: dead, startedAt: '2026-12-07T10:00:00Z', phase: 'running', stack }),
    );
    expect(await readUpState(dir)).toMatchObject({ status: 'stale', state: { pid: dead } });
    const lock = await lockStateDir(dir);
    expect(lock.replaced).toEqual([
      `replaced ${join(dir, UP_STATE_FILE)}: the coattail up it names (pid ${dead}, started 2026-12-07T10:00:00Z) is no longer running`,
    ]);
    expect(await readUpState(dir)).toMatchObject({ status: 'starting', state: { pid: process.pid } });
    await lock.release();
    expect((await readUpState(dir)).status).toBe('absent');
  });

  it('replaces a file it cannot read', async () => {
    const dir = await stateDir();
    for (const content of ['not json', '{"pid":"x"}']) {
      await writeFile(join(dir, UP_STATE_FILE), content);
      expect((await readUpState(dir)).status).toBe('unreadable');
      const lock = await lockStateDir(dir);
      expect(lock.replaced).toEqual([`replaced ${join(dir, UP_STATE_FILE)}: not a coattail up record`]);
      await lock.release();
    }
  });

  it('keeps the record of a holder it does not own', async () => {
    const dir = await stateDir();
    const lock = await lockStateDir(dir);
    const holder = await otherProcess();
    await writeFile(join(dir, UP_STATE_FILE), JSON.stringify({ pid: holder, startedAt: 'now' }));
    await lock.publish(stack);
    await lock.release();
    expect(JSON.parse(await readFile(join(dir, UP_STATE_FILE), 'utf8'))).toEqual({ pid: holder, startedAt: 'now' });
  });

  it('`coattail up` on a directory in use prints "already running (pid …)", no stack trace, and exits 1', async () => {
    const dir = await stateDir();
    const holder = await otherProcess();
    await lockStateDir(dir, holder);
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void errors.push(String(line)));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await main(['node', 'coattail', 'up', '--state-dir', dir, '--duration', '1']);
    expect(process.exitCode).toBe(1);
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^coattail: already running \\(pid ${holder}\\)`))]);
    expect(errors.join('\n')).not.toMatch(/\n\s+at /);
  });
});

describe('the state files of earlier coattail versions', () => {
  it('an up.json with only pid and startedAt: a live one holds the directory, a dead one is replaced', async () => {
    const dir = await stateDir();
    const holder = await otherProcess();
    await writeFile(join(dir, UP_STATE_FILE), JSON.stringify({ pid: holder, startedAt: 'then' }));
    expect(await readUpState(dir)).toMatchObject({ status: 'starting', state: { pid: holder } });
    expect((await lockStateDir(dir).catch((e: unknown) => e)) as Error).toHaveProperty('message', inUse(dir, holder));
    await writeFile(join(dir, UP_STATE_FILE), JSON.stringify({ pid: await deadPid(), startedAt: 'then' }));
    const lock = await lockStateDir(dir);
    expect(lock.replaced).toEqual([expect.stringMatching(/is no longer running$/)]);
    await lock.release();
  });

  it('read this file as theirs: its pid and startedAt are where they looked for them', async () => {
    const dir = await stateDir();
    const lock = await lockStateDir(dir);
    await lock.publish(stack);
    const json = JSON.parse(await readFile(join(dir, UP_STATE_FILE), 'utf8')) as Record<string, unknown>;
    expect(json).toMatchObject({ pid: process.pid, startedAt: expect.any(String) as string });
    await lock.release();
  });

  it('a stack.json is never followed: a live writer holds the directory, a dead one is removed', async () => {
    const dir = await stateDir();
    const legacy = join(dir, 'stack.json');
    const holder = await otherProcess();
    await writeFile(legacy, JSON.stringify({ ...stack, pid: holder, startedAt: 'then' }));
    expect((await readUpState(dir)).status).toBe('absent');
    expect((await lockStateDir(dir).catch((e: unknown) => e)) as Error).toHaveProperty('message', inUse(dir, holder));
    expect((await readUpState(dir)).status).toBe('absent');
    const dead = await deadPid();
    await writeFile(legacy, JSON.stringify({ ...stack, pid: dead, startedAt: 'then' }));
    const lock = await lockStateDir(dir);
    expect(lock.replaced).toEqual([
      `replaced ${legacy}: the coattail up it names (pid ${dead}, started then) is no longer running`,
    ]);
    expect(await readdir(dir)).toEqual([UP_STATE_FILE]);
    await lock.release();
  });
});
