import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { ProducerConfigError } from './errors.js';

describe('loadConfig', () => {
  it('runs on defaults alone, against the real exchanges and real AWS', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      sink: 'kinesis',
      streamName: 'coattail-trades',
      symbols: ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'],
      exchanges: ['binance', 'coinbase'],
      kinesisEndpoint: undefined,
      aggregation: true,
    });
    expect(c.binanceUrl).toBe('wss://stream.binance.com:9443');
    expect(c.shutdownDeadlineMs).toBeLessThan(30_000);
  });

  it('reads lists, numbers, booleans and the Coinbase product map', () => {
    const c = loadConfig({
      SYMBOLS: 'BTC-USDT, ETH-EUR',
      EXCHANGES: 'coinbase',
      COINBASE_PRODUCT_MAP: 'BTC-USDT=BTC-USDC',
      KINESIS_AGGREGATION: 'false',
      PUBLISH_BATCH_MAX: '100',
      COATTAIL_KINESIS_ENDPOINT: 'http://127.0.0.1:4567',
    });
    expect(c).toMatchObject({
      symbols: ['BTC-USDT', 'ETH-EUR'],
      exchanges: ['coinbase'],
      coinbaseProducts: { 'BTC-USDT': 'BTC-USDC' },
      aggregation: false,
      publishBatchMax: 100,
      kinesisEndpoint: 'http://127.0.0.1:4567',
    });
  });

  it('lists every problem at once, each naming its variable', () => {
    let error: unknown;
    try {
      loadConfig({
        SINK: 'kafka',
        SYMBOLS: 'btcusdt',
        EXCHANGES: 'kraken',
        PUBLISH_BATCH_MAX: 'lots',
        BINANCE_WS_URL: 'http://x',
        RECONNECT_BASE_MS: '9000',
        RECONNECT_MAX_MS: '10',
        COINBASE_PRODUCT_MAP: 'oops',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProducerConfigError);
    const issues = (error as ProducerConfigError).issues.join('\n');
    for (const v of ['SYMBOLS.0', 'EXCHANGES.0', 'PUBLISH_BATCH_MAX', 'BINANCE_WS_URL'])
      expect(issues).toContain(`${v}:`);
    expect((error as ProducerConfigError).domain).toBe('user');
  });

  it('checks cross-field rules once the fields themselves are valid', () => {
    expect(() =>
      loadConfig({ SINK: 'kafka', RECONNECT_BASE_MS: '9000', RECONNECT_MAX_MS: '10', COINBASE_PRODUCT_MAP: 'oops' }),
    ).toThrow(
      /KAFKA_BROKERS: required with SINK=kafka[\s\S]*RECONNECT_BASE_MS: must not exceed[\s\S]*COINBASE_PRODUCT_MAP: 'oops'/,
    );
  });
});
