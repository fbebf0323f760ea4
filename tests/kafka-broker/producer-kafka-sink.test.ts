import { Kafka, logLevel } from 'kafkajs';
import { InMemoryMetrics, silentLogger } from '@coattail/runtime';
import {
  Producer,
  createSink,
  loadConfig,
  startExchangeSimulator,
  type ExchangeSimulator,
  type UnifiedTrade,
} from '@coattail/producer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaTestBroker } from './kafka-test-broker.js';

// The producer's SINK=kafka path (createSink's idempotent kafkajs producer, KafkaTradeSink, the
// Publisher) against the Kafka wire-protocol TEST FIXTURE in this folder: a protocol fixture for
// tests, not a Kafka to deploy (none can be installed on these machines). Production points
// KAFKA_BROKERS at Kafka, MSK or Redpanda.
const TOPIC = 'producer-trades';
const SYMBOLS = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT', 'XRP-USDT'];
let broker: KafkaTestBroker;
let sim: ExchangeSimulator;
beforeAll(async () => {
  broker = await new KafkaTestBroker().start();
  broker.createTopic(TOPIC, 4);
  sim = await startExchangeSimulator({ symbols: SYMBOLS, tradesPerSecond: 2_000 });
});
afterAll(async () => {
  await sim?.close();
  await broker?.stop();
});

interface Stored {
  partition: number;
  key: string;
  trade: UnifiedTrade;
}

async function readTopic(kafka: Kafka, expected: number): Promise<Stored[]> {
  const consumer = kafka.consumer({ groupId: 'producer-sink-reader', maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  const stored: Stored[] = [];
  await consumer.run({
    eachMessage: ({ partition, message }) => {
      stored.push({
        partition,
        key: message.key?.toString() ?? '',
        trade: JSON.parse(message.value!.toString()) as UnifiedTrade,
      });
      return Promise.resolve();
    },
  });
  const until = Date.now() + 20_000;
  while (stored.length < expected && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  // Linger a little: anything beyond `expected` would be a duplicate, and must show up here.
  await new Promise((r) => setTimeout(r, 200));
  await consumer.disconnect();
  return stored;
}

describe('the producer publishing to Kafka (SINK=kafka) against the protocol fixture', () => {
  it('publishes every trade received exactly once, also across lost acknowledgements, keyed by canonical symbol, both exchanges of a symbol in one partition', async () => {
    const config = loadConfig({
      SINK: 'kafka',
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_TOPIC: TOPIC,
      SYMBOLS: SYMBOLS.join(','),
      BINANCE_WS_URL: sim.binanceUrl,
      COINBASE_WS_URL: sim.coinbaseUrl,
      PUBLISH_LINGER_MS: '20',
      RECONNECT_BASE_MS: '10',
    });
    const metrics = new InMemoryMetrics();
    const sink = await createSink(config, silentLogger, metrics);
    expect(sink.kind).toBe('kafka');
    const producer = new Producer({ settings: config, sink, metrics });
    producer.start();
    const until = Date.now() + 20_000;
    while (producer.publisher.published < 1_000 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    // Two batches are stored but their acknowledgements lost: kafkajs sends them again, and only
    // the idempotent producer's sequence numbers let the broker keep them once.
    broker.loseProduceResponses(2);
    while ((producer.publisher.published < 2_000 || broker.lostProduceResponses < 2) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    const summary = await producer.stop(10_000);
    expect(summary.received).toBeGreaterThanOrEqual(2_000);
    expect(summary.published).toBe(summary.received);
    expect(broker.lostProduceResponses).toBe(2);

    const ends = broker.endOffsets(TOPIC);
    expect(ends.reduce((a, b) => a + b, 0n)).toBe(BigInt(summary.received));
    const stored = await readTopic(
      new Kafka({ clientId: 'reader', brokers: broker.brokers, logLevel: logLevel.NOTHING }),
      summary.received,
    );
    expect(stored).toHaveLength(summary.received);
    expect(new Set(stored.map((s) => s.trade.event_id)).size).toBe(stored.length);
    expect(stored.every((s) => s.key === s.trade.symbol)).toBe(true);
    // Keyed by canonical symbol: each symbol in exactly one partition, with both exchanges' trades.
    for (const symbol of SYMBOLS) {
      const ofSymbol = stored.filter((s) => s.trade.symbol === symbol);
      expect(new Set(ofSymbol.map((s) => s.partition)).size, symbol).toBe(1);
      expect(new Set(ofSymbol.map((s) => s.trade.exchange)), symbol).toEqual(new Set(['binance', 'coinbase']));
    }
    // The symbols spread over more than one partition (else the keying above proves little).
    expect(new Set(stored.map((s) => s.partition)).size).toBeGreaterThan(1);
    // The idempotent producer asked the broker for a producer id and stamped its batches with it.
    expect(broker.producerIds(TOPIC)).toEqual([0n]);
  });
});
