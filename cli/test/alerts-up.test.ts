import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startLocalStack } from '@coattail/local-stack';
import { afterAll, describe, expect, it } from 'vitest';
import { readUpState } from '../src/up/up-state.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/coattail.js', import.meta.url));
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function coattail(env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [bin, ...args], {
    env: { ...process.env, LOG_LEVEL: 'error', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

interface Line {
  alert_id: string;
  alert_type: string;
  symbol: string;
  alert_time: number;
}
const parse = (jsonl: string): Line[] =>
  jsonl
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);

describe('coattail alerts against the running npm start', () => {
  it('finds the running stack, and lists exactly the alerts the pipeline wrote', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'coattail-alerts-up-'));
    dirs.push(stateDir);
    const up = spawn(process.execPath, [bin, 'up', '--duration', '40', '--rate', '300', '--state-dir', stateDir], {
      env: { ...process.env, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let summary = '';
    up.stdout.on('data', (d: Buffer) => (summary += d.toString()));
    const exited = new Promise<number | null>((resolve) => up.once('exit', resolve));
    try {
      // While it runs: found through <state-dir>/up.json once it names the endpoints, no endpoint given.
      for (let i = 0; i < 600 && (await readUpState(stateDir)).status !== 'running'; i++)
        await new Promise((r) => setTimeout(r, 100));
      let during: Line[] = [];
      while (during.length === 0) {
        await new Promise((r) => setTimeout(r, 3_000));
        during = parse(await coattail({}, 'alerts', 'list', '--state-dir', stateDir, '-n', '100000', '-f', 'jsonl'));
      }
      expect(new Set(during.map((a) => a.alert_id)).size).toBe(during.length);
      expect(await exited).toBe(0);
      // A clean stop leaves no state file: the next run, and every reader, see no npm start there.
      expect((await readUpState(stateDir)).status).toBe('absent');

      // After the stop: the same DynamoDB data, served again, against the run's own summary.
      const counts = /anomalies (\d+), whales (\d+), spreads (\d+)/.exec(summary)!.slice(1).map(Number);
      const stack = await startLocalStack({ dataDir: join(stateDir, 'local-stack'), streams: [], buckets: [] });
      try {
        const env = { COATTAIL_DYNAMODB_ENDPOINT: stack.endpoints.dynamodb };
        const all = parse(await coattail(env, 'alerts', 'list', '-n', '100000', '-f', 'jsonl'));
        const byKind = (kind: string): number => all.filter((a) => a.alert_type === kind).length;
        expect([byKind('VOLUME_ANOMALY'), byKind('WHALE'), byKind('SPREAD')]).toEqual(counts);
        expect(counts[1]).toBeGreaterThan(0);
        expect(new Set(all.map((a) => a.alert_id)).size).toBe(all.length);
        const ids = new Set(all.map((a) => a.alert_id));
        expect(during.filter((a) => !ids.has(a.alert_id))).toEqual([]);

        // The by-symbol index and the scan agree, alert for alert.
        const newest = Math.max(...all.map((a) => a.alert_time));
        const since = new Date(newest - 600_000).toISOString();
        const btc = parse(
          await coattail(env, 'alerts', 'list', '-s', 'BTC-USDT', '--since', since, '-n', '100000', '-f', 'jsonl'),
        );
        const expected = all.filter((a) => a.symbol === 'BTC-USDT' && a.alert_time >= newest - 600_000);
        expect(btc.map((a) => a.alert_id).sort()).toEqual(expected.map((a) => a.alert_id).sort());
        expect(btc.length).toBeGreaterThan(0);
      } finally {
        await stack.stop();
      }
    } finally {
      up.kill('SIGKILL');
    }
  }, 180_000);
});
