import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { runMockClusterTests } from './mock-cluster.js';

const owner = new URL('./cluster-owner.ts', import.meta.url).pathname;

/** Starts the owner in a process group of its own, as a terminal runs a command; yields its JSON lines. */
function startOwner(): { child: ChildProcess; lines: AsyncIterator<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', owner], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, lines };
}

async function nextJson<T>(lines: AsyncIterator<string>): Promise<T> {
  const next: IteratorResult<string> = await lines.next();
  if (next.done === true) throw new Error('the owner process ended without a line');
  return JSON.parse(next.value) as T;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(test: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (test()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return test();
}

// Skipped only outside CI on a machine without kcat; in CI a missing kcat fails the owner.
describe.skipIf(!runMockClusterTests)('the process that owns a mock cluster', () => {
  it('keeps its brokers up through a Ctrl-C to its process group until it stops them itself', async () => {
    const { child, lines } = startOwner();
    const { kcat } = await nextJson<{ kcat: number }>(lines);
    expect(alive(kcat)).toBe(true);
    process.kill(-child.pid!, 'SIGINT'); // what a Ctrl-C in the terminal does: the whole group
    expect(await nextJson<{ afterSigint: number[] }>(lines)).toEqual({ afterSigint: [1, 2, 3] });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(await until(() => !alive(kcat), 5_000)).toBe(true);
  }, 60_000);

  it('leaves no broker behind when it is killed outright', async () => {
    const { child, lines } = startOwner();
    const { kcat } = await nextJson<{ kcat: number }>(lines);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(await until(() => !alive(kcat), 10_000)).toBe(true);
  }, 60_000);
});
