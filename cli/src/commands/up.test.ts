import { BINANCE_WS_URL, COINBASE_WS_URL, loadConfig } from '@coattail/producer';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { pipelineProducerEnv, pipelineSimulatorOptions } from '../up/pipeline.js';
import { registerUp } from './up.js';

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
