import type { ConsumerConfig, Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaSource } from './kafka-source.js';

/**
 * A kafkajs client whose consumer connects and runs but never completes its first join, as a
 * consumer joining a group that keeps rebalancing (or that evicts it) does.
 */
function neverJoining() {
  const seen: { config?: ConsumerConfig; disconnects: number } = { disconnects: 0 };
  const consumer = {
    events: { REBALANCING: 'rebalancing', GROUP_JOIN: 'group-join' },
    on: () => () => undefined,
    connect: () => Promise.resolve(),
    subscribe: () => Promise.resolve(),
    run: () => Promise.resolve(),
    disconnect: () => {
      seen.disconnects++;
      return Promise.resolve();
    },
  };
  const kafka = {
    consumer: (config: ConsumerConfig) => {
      seen.config = config;
      return consumer;
    },
  } as unknown as Kafka;
  return { kafka, seen };
}

const settledWithin = async <T>(p: Promise<T>, ms: number): Promise<T | 'pending'> =>
  Promise.race([p, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))]);

describe('KafkaSource closed before its consumer joined the group', () => {
  it('ends the listing that waits for the join, with no splits, and leaves the group', async () => {
    const { kafka, seen } = neverJoining();
    const source = new KafkaSource({ kafka, topic: 't', groupId: 'g' });
    const listing = source.listSplits();
    expect(await settledWithin(listing, 50)).toBe('pending');
    await source.close();
    expect(await settledWithin(listing, 1_000)).toEqual([]);
    expect(seen.disconnects).toBe(1);
    expect(await source.listSplits()).toEqual([]);
  });

  it('tells kafkajs not to restart the consumer once closed, and defers to the caller before', async () => {
    const { kafka, seen } = neverJoining();
    const asked: string[] = [];
    const source = new KafkaSource({
      kafka,
      topic: 't',
      groupId: 'g',
      consumer: {
        retry: {
          retries: 2,
          restartOnFailure: (e) => {
            asked.push(e.message);
            return Promise.resolve(e.message !== 'fatal');
          },
        },
      },
    });
    void source.listSplits();
    await new Promise((r) => setTimeout(r, 10));
    const restart = seen.config?.retry?.restartOnFailure;
    expect(seen.config?.retry?.retries).toBe(2);
    expect(await restart?.(new Error('join failed'))).toBe(true);
    expect(await restart?.(new Error('fatal'))).toBe(false);
    await source.close();
    expect(await restart?.(new Error('join failed'))).toBe(false);
    expect(asked).toEqual(['join failed', 'fatal']);
  });
});
