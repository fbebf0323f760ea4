import type { Consumer } from 'kafkajs';
import { silentLogger } from '@coattail/runtime';
import { describe, expect, it } from 'vitest';
import { GroupMembership } from './group-membership.js';

/**
 * A kafkajs consumer as `GroupMembership` sees it: events, `pause([])` that throws while kafkajs
 * has no consumer incarnation, and `disconnect()`. The real race (a join completing after the
 * disconnect) is reproduced on the mock cluster in `kafka-source-leave.test.ts`; here the moments
 * kafkajs can be caught in, one by one.
 */
function consumer(live: boolean) {
  const handlers = new Map<string, (() => void)[]>();
  const state = { live, disconnects: 0 };
  const fake = {
    events: { GROUP_JOIN: 'join', CRASH: 'crash' },
    on: (event: string, handler: () => void) => {
      handlers.set(event, [...(handlers.get(event) ?? []), handler]);
      return () => undefined;
    },
    pause: () => {
      if (!state.live) throw new Error('Consumer group was not initialized, consumer#run must be called first');
    },
    disconnect: () => {
      state.disconnects++;
      state.live = false;
      return Promise.resolve();
    },
  };
  const emit = (event: string): void => handlers.get(event)?.forEach((h) => h());
  return { consumer: fake as unknown as Consumer, state, emit };
}

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('leaving the consumer group', () => {
  it('disconnects at once when no join is under way (no consumer yet, or a restart pending)', async () => {
    const { consumer: c, state } = consumer(false);
    const started = Date.now();
    await new GroupMembership(c, silentLogger, 5_000).leave();
    expect(Date.now() - started).toBeLessThan(200);
    expect(state.disconnects).toBe(1);
  });

  it('waits for a join under way to end before it disconnects', async () => {
    const { consumer: c, state, emit } = consumer(true);
    const leaving = new GroupMembership(c, silentLogger, 5_000).leave();
    await tick(120);
    expect(state.disconnects).toBe(0);
    emit('join');
    await leaving;
    expect(state.disconnects).toBe(1);
  });

  it('stops waiting for a join that crashed', async () => {
    const { consumer: c, state, emit } = consumer(true);
    const leaving = new GroupMembership(c, silentLogger, 5_000).leave();
    await tick(120);
    state.live = false; // kafkajs dropped the crashed incarnation
    emit('crash');
    await leaving;
    expect(state.disconnects).toBe(1);
  });

  it('gives a join that never ends up after its bound, and leaves again if that join completes later', async () => {
    const { consumer: c, state, emit } = consumer(true);
    const started = Date.now();
    await new GroupMembership(c, silentLogger, 300).leave();
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(state.disconnects).toBe(1);
    emit('join');
    await tick(20);
    expect(state.disconnects).toBe(2);
  });
});
