import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BINANCE_WS_URL, COINBASE_WS_URL, loadConfig } from '@coattail/producer';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../main.js';
import { pipelineProducerEnv, pipelineSimulatorOptions } from '../up/pipeline.js';
import { readUpState, UP_STATE_FILE } from '../up/up-state.js';
import { registerUp } from './up.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const help = (): string => {
  const program = new Command('coattail');
  registerUp(program);
  return program.commands.find((c) => c.name() === 'up')!.helpInformation();
};

describe('coattail up --live', () => {
  it('is listed by `coattail up --help`', () => {
    expect(help()).toMatch(/--live\s+read the real Binance and Coinbase feeds/);
  });

  it('starts no simulator and points the producer at the real exchanges', () => {
    expect(pipelineSimulatorOptions({ live: true, tradesPerSecond: 200 })).toBeUndefined();
    const config = loadConfig(
      pipelineProducerEnv(undefined, { kinesisEndpoint: 'http://127.0.0.1:4567', region: 'us-east-1' }),
    );
    expect(config.binanceUrl).toBe(BINANCE_WS_URL);
    expect(config.coinbaseUrl).toBe(COINBASE_WS_URL);
    expect(BINANCE_WS_URL).toMatch(/^wss:\/\/stream\.binance\.com/);
    expect(COINBASE_WS_URL).toMatch(/^wss:\/\/ws-feed\.exchange\.coinbase\.com/);
    // Still the local stack's Kinesis: only the exchanges are live.
    expect(config.kinesisEndpoint).toBe('http://127.0.0.1:4567');
  });

  it('without --live runs the simulator at the requested rate and points the producer at it', () => {
    expect(pipelineSimulatorOptions({ tradesPerSecond: 300 })).toMatchObject({
      tradesPerSecond: 300,
      symbols: ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'],
    });
    const sim = { binanceUrl: 'ws://127.0.0.1:9/binance', coinbaseUrl: 'ws://127.0.0.1:9/coinbase' };
    const config = loadConfig(
      pipelineProducerEnv(sim, { kinesisEndpoint: 'http://127.0.0.1:4567', region: 'us-east-1' }),
    );
    expect([config.binanceUrl, config.coinbaseUrl]).toEqual([sim.binanceUrl, sim.coinbaseUrl]);
  });
});

describe('coattail up --broker kafka', () => {
  it('is listed by `coattail up --help`', () => {
    expect(help()).toMatch(/--broker <broker>\s+the stream between producer and jobs/);
  });

  it("points the producer's Kafka sink at the cluster's brokers and topic", () => {
    const config = loadConfig(
      pipelineProducerEnv(
        undefined,
        { kinesisEndpoint: 'http://127.0.0.1:4567', region: 'us-east-1' },
        { brokers: ['127.0.0.1:9092', '127.0.0.1:9093'], topic: 'trades-1' },
      ),
    );
    expect(config).toMatchObject({ sink: 'kafka', kafkaTopic: 'trades-1' });
    expect(config.kafkaBrokers).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
  });
});

describe('coattail up on a state directory a killed run left behind', () => {
  it('says it replaced the dead run, names its endpoints while it runs, and leaves no state file after a clean stop', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coattail-up-stale-'));
    try {
      const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
      await new Promise((resolve) => child.once('exit', resolve));
      const file = join(dir, UP_STATE_FILE);
      await writeFile(file, JSON.stringify({ pid: child.pid, startedAt: '2026-12-07T10:00:00Z' }));
      const lines: string[] = [];
      vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
      const run = main([
        'node',
        'coattail',
        'up',
        '--state-dir',
        dir,
        '--duration',
        '1',
        '--no-console',
        '--rate',
        '20',
      ]);
      // While it runs, the file names this process and the emulators' endpoints.
      let seen = await readUpState(dir);
      for (let i = 0; i < 600 && seen.status !== 'running'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        seen = await readUpState(dir);
      }
      expect(seen).toMatchObject({
        status: 'running',
        state: { pid: process.pid },
        stack: { endpoints: { dynamodb: expect.stringMatching(/^http:\/\//) as string } },
      });
      await run;
      expect(process.exitCode).toBeUndefined();
      expect(lines[0]).toBe(
        `coattail up: replaced ${file}: the coattail up it names (pid ${child.pid}, started 2026-12-07T10:00:00Z) is no longer running`,
      );
      expect(lines.some((l) => /^\ncoattail up: summary after/.test(l))).toBe(true);
      expect(await readdir(dir)).not.toContain(UP_STATE_FILE);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
