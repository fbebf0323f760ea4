import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../main.js';
import { lockStateDir, runningUp, StateDirInUseError } from './state-lock.js';

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

describe('the state directory of coattail up', () => {
  it('is held by one process: a second one is told who holds it', async () => {
    const dir = await stateDir();
    const holder = await otherProcess();
    await lockStateDir(dir, holder);
    const error = await lockStateDir(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateDirInUseError);
    expect((error as Error).message).toBe(
      `already running (pid ${holder}) on the state directory ${dir}: stop that coattail up (Ctrl-C, or kill ${holder}) or pass another --state-dir`,
    );
  });

  it('is taken over from a process that died without releasing it', async () => {
    const dir = await stateDir();
    await writeFile(join(dir, 'up.json'), JSON.stringify({ pid: await deadPid(), startedAt: 'then' }));
    expect(await runningUp(dir)).toBeUndefined();
    const lock = await lockStateDir(dir);
    expect((await runningUp(dir))?.pid).toBe(process.pid);
    await lock.release();
    expect(await runningUp(dir)).toBeUndefined();
  });

  it('ignores a record it cannot read', async () => {
    const dir = await stateDir();
    await writeFile(join(dir, 'up.json'), 'not json');
    expect(await runningUp(dir)).toBeUndefined();
    await writeFile(join(dir, 'up.json'), '{"pid":"x"}');
    expect(await runningUp(dir)).toBeUndefined();
    await (await lockStateDir(dir)).release();
  });

  it('keeps the record of a holder it does not own', async () => {
    const dir = await stateDir();
    const lock = await lockStateDir(dir);
    const holder = await otherProcess();
    await writeFile(join(dir, 'up.json'), JSON.stringify({ pid: holder, startedAt: 'now' }));
    await lock.release();
    expect(JSON.parse(await readFile(join(dir, 'up.json'), 'utf8'))).toMatchObject({ pid: holder });
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
