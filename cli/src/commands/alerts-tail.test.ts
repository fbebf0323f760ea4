import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshTable, jobAlert, writeAsJobs, type JobAlert } from '../alerts/job-alerts.test-support.js';
import { registerAlerts } from './alerts.js';

const CLI = fileURLToPath(new URL('../../bin/coattail.js', import.meta.url));
let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ streams: [], tables: [], buckets: [] });
});
afterAll(() => stack.stop());

/** Resolves once `ready()` holds, checking on every change and at most every 20 ms; fails after `ms`. */
async function until(ready: () => boolean, what: () => string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let next = 0;
const usedTimes = new Set<number>();
/** `n` new alerts whose event times lie up to `spreadMs` before now, in no particular order (distinct, so their ids are). */
const fresh = (n: number, spreadMs: number): JobAlert[] =>
  Array.from({ length: n }, () => {
    const i = next++;
    let time = Date.now() - ((i * 7_919) % spreadMs) - 1;
    while (usedTimes.has(time)) time--;
    usedTimes.add(time);
    return jobAlert(i, time);
  });

const ids = (lines: readonly string[]): string[] => lines.map((l) => (JSON.parse(l) as { alert_id: string }).alert_id);

describe('coattail alerts tail', () => {
  it('prints the latest alerts, then each new one exactly once, late ones included', async () => {
    const table = await freshTable(stack.clients.dynamodb);
    const before = fresh(5, 60_000);
    await writeAsJobs(stack.clients.dynamodb, table, before);
    const out: string[] = [];
    let stop: (() => void) | undefined;
    const program = new Command('coattail').exitOverride();
    registerAlerts(program, {
      out: (line) => out.push(line),
      err: () => {},
      env: {},
      now: Date.now,
      onInterrupt: (s) => (stop = s),
    });
    const endpoint = ['--endpoint', stack.endpoints.dynamodb, '--table', table];
    const args = ['tail', ...endpoint, '--lines', '2', '--interval', '0.05', '--format', 'jsonl'];
    const tailing = program.parseAsync(['node', 'coattail', 'alerts', ...args]);

    const newestTwo = [...before].sort((a, b) => a.event_time - b.event_time).slice(-2);
    await until(
      () => out.length >= 2,
      () => `backlog, got ${out.length}`,
    );
    expect(ids(out)).toEqual(newestTwo.map((a) => a.alert_id));

    // Written while the tail polls, in small batches, many stamped before alerts already shown.
    const written: JobAlert[] = [];
    for (let batch = 0; batch < 8; batch++) {
      const alerts = fresh(6, 120_000);
      await writeAsJobs(stack.clients.dynamodb, table, alerts);
      written.push(...alerts);
      await new Promise((r) => setTimeout(r, 30));
    }
    await until(
      () => out.length >= 2 + written.length,
      () => `${out.length - 2} of ${written.length} new alerts`,
    );
    // A few more polls: nothing may come twice.
    const polls = out.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(out.length).toBe(polls);
    stop!();
    await tailing;
    const shown = ids(out.slice(2));
    expect(new Set(shown).size).toBe(shown.length);
    expect([...shown].sort()).toEqual(written.map((a) => a.alert_id).sort());
  });

  it('runs as a process: follows until SIGTERM, then exits 0', async () => {
    const table = await freshTable(stack.clients.dynamodb);
    await writeAsJobs(stack.clients.dynamodb, table, fresh(3, 10_000));
    const child = spawn(
      process.execPath,
      [CLI, 'alerts', 'tail', '--endpoint', stack.endpoints.dynamodb, '--table', table, '-n', '0', '-f', 'jsonl'],
      { env: { ...process.env, LOG_LEVEL: 'error' }, stdio: 'pipe' },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await until(
        () => /following cli-alerts-/.test(stderr),
        () => `start-up: ${stderr}`,
        60_000,
      );
      const alerts = fresh(12, 30_000);
      await writeAsJobs(stack.clients.dynamodb, table, alerts);
      const lines = (): string[] => stdout.split('\n').filter((l) => l !== '');
      await until(
        () => lines().length >= 12,
        () => `${lines().length} of 12 lines; stdout ${stdout}; stderr ${stderr}`,
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(ids(lines()).sort()).toEqual(alerts.map((a) => a.alert_id).sort());
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);
});
