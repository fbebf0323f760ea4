import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/coattail.js', import.meta.url));
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function coattail(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      timeout: 60_000,
      env: { ...process.env, LOG_LEVEL: 'error' },
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('the coattail command', () => {
  it('lists its commands with --help', async () => {
    const { stdout, code } = await coattail('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Usage: coattail/);
    expect(stdout).toMatch(/demo/);
    expect(stdout).toMatch(/up/);
  });

  it('rejects a bad option value and says which', async () => {
    const { stderr, code } = await coattail('demo', '--window', 'soon');
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/--window <seconds>.*'soon' is invalid/);
  });

  it('runs the runtime demo job: windowed results, then a checkpoint on stop', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'coattail-demo-'));
    dirs.push(stateDir);
    const { stdout, code } = await coattail(
      'demo',
      '--duration',
      '4',
      '--window',
      '1',
      '--rate',
      '300',
      '--state-dir',
      stateDir,
    );
    expect(code).toBe(0);
    const rows = stdout.split('\n').filter((l) => /trades=\s*\d+/.test(l));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]).toMatch(/(BTC|ETH|SOL)-USDT\s+(binance|coinbase)\s+trades=\s*\d+ volume=\s*[\d.]+ vwap=\s*[\d.]+/);
    expect(stdout).toMatch(/coattail demo: stopped; state checkpointed/);
    expect(await readdir(join(stateDir, 'checkpoints', 'runtime-demo', 'task-0'))).not.toHaveLength(0);
  }, 60_000);

  it('runs the whole pipeline (what npm start runs) and summarizes what reached DynamoDB and Iceberg', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'coattail-up-'));
    dirs.push(stateDir);
    const { stdout, code } = await coattail('up', '--duration', '15', '--rate', '300', '--state-dir', stateDir);
    expect(code).toBe(0);
    // The operations console is served on loopback and its address printed.
    expect(stdout).toMatch(/operations console at http:\/\/127\.0\.0\.1:\d+\//);
    const published = Number(/published (\d+)/.exec(stdout.slice(stdout.indexOf('summary')))?.[1]);
    expect(published).toBeGreaterThan(1_000);
    const whales = Number(/whales (\d+)/.exec(stdout.slice(stdout.indexOf('summary')))?.[1]);
    expect(whales).toBeGreaterThan(0);
    const aggregates = Number(/volume_aggregates (\d+)/.exec(stdout.slice(stdout.indexOf('summary')))?.[1]);
    expect(aggregates).toBeGreaterThan(0);
  }, 90_000);
});
