import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import type { AlertQuery } from './alert-query.js';
import { freshAlertsTable, sampleAlert, writeAlerts } from './alert-fixtures.test-support.js';
import type { Alert, AlertKind } from './alert-schema.js';
import { AlertsClient } from './alerts-client.js';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ streams: [], tables: [], buckets: [] });
});
afterAll(() => stack.stop());

/**
 * Drives the follower one poll at a time: `poll()` waits until the follower sleeps (everything
 * it yielded so far has been consumed), wakes it, and waits until it sleeps again.
 */
function stepper() {
  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };
  let wake: (() => void) | undefined;
  let asleep = deferred();
  return {
    sleep: (_ms: number, signal?: AbortSignal) =>
      new Promise<void>((resolve) => {
        wake = resolve;
        signal?.addEventListener('abort', () => resolve(), { once: true });
        asleep.resolve();
      }),
    async poll(): Promise<void> {
      await asleep.promise;
      asleep = deferred();
      wake!();
      await asleep.promise;
    },
  };
}

const KINDS: AlertKind[] = ['VOLUME_ANOMALY', 'WHALE', 'SPREAD'];
let n = 0;
const alert = (symbol: string, time: number): Alert => sampleAlert(KINDS[n % 3]!, symbol, time, n++);

describe.each<{ name: string; query: Omit<AlertQuery, 'order' | 'since' | 'until'> }>([
  { name: 'through the index', query: { symbols: ['BTC-USDT', 'ETH-USDT'] } },
  { name: 'by scan', query: { kinds: ['VOLUME_ANOMALY', 'WHALE', 'SPREAD'] } },
])('following the alerts table $name', ({ query }) => {
  it('yields the backlog, then every alert written later exactly once, late ones included', async () => {
    const table = await freshAlertsTable(stack);
    const client = new AlertsClient({ client: stack.clients.dynamodb, tableName: table, requestLimit: 4 });
    let clock = 1_765_000_000_000;
    const old = Array.from({ length: 10 }, (_, i) => alert('BTC-USDT', clock - 500_000 + i * 1_000));
    const recent = Array.from({ length: 4 }, (_, i) => alert('ETH-USDT', clock - 40_000 + i * 1_000));
    await writeAlerts(stack.clients.dynamodb, table, [...old, ...recent]);

    const steps = stepper();
    const stop = new AbortController();
    const got: Alert[] = [];
    const following = (async () => {
      for await (const a of client.follow(query, {
        backlog: 6,
        lookbackMs: 60_000,
        now: () => clock,
        sleep: steps.sleep,
        signal: stop.signal,
      }))
        got.push(a);
    })();
    const take = (): string[] => got.splice(0).map((a) => a.alert_id);

    await steps.poll();
    // tail -n 6: the two newest before the look-back, then the four inside it, oldest first.
    expect(take()).toEqual([...old.slice(-2), ...recent].map((a) => a.alert_id));

    const batch1 = [
      alert('BTC-USDT', clock - 1_000),
      alert('ETH-USDT', clock),
      // Written now but about a time before alerts already shown: a window that closed late.
      alert('BTC-USDT', clock - 50_000),
    ];
    await writeAlerts(stack.clients.dynamodb, table, batch1);
    clock += 5_000;
    await steps.poll();
    expect(take().sort()).toEqual(batch1.map((a) => a.alert_id).sort());

    await steps.poll();
    expect(take()).toEqual([]); // nothing new: nothing again

    const batch2 = Array.from({ length: 7 }, (_, i) => alert(i % 2 ? 'BTC-USDT' : 'ETH-USDT', clock + i));
    await writeAlerts(stack.clients.dynamodb, table, batch2);
    clock += 100_000; // everything before now falls out of the look-back window after this poll
    await steps.poll();
    expect(take().sort()).toEqual([]);
    // ...so batch 2, written 100 s after its alert_time, was later than the look-back allows.

    const batch3 = [alert('ETH-USDT', clock - 10_000), alert('BTC-USDT', clock - 59_000)];
    await writeAlerts(stack.clients.dynamodb, table, batch3);
    await steps.poll();
    await steps.poll();
    expect(take().sort()).toEqual(batch3.map((a) => a.alert_id).sort());

    stop.abort();
    await following;
  });
});

describe('following', () => {
  it('says when it is ready, yields in alert_time order within a poll, and ends when aborted', async () => {
    const table = await freshAlertsTable(stack);
    const client = new AlertsClient({ client: stack.clients.dynamodb, tableName: table });
    const clock = 1_765_000_000_000;
    const steps = stepper();
    const stop = new AbortController();
    const got: Alert[] = [];
    let ready = 0;
    const onReady = (): void => void ready++;
    const following = (async () => {
      for await (const a of client.follow({}, { now: () => clock, sleep: steps.sleep, signal: stop.signal, onReady }))
        got.push(a);
    })();
    await steps.poll();
    expect(ready).toBe(1);
    const batch = [alert('SOL-USDT', clock - 3), alert('BTC-USDT', clock - 9), alert('ETH-USDT', clock - 5)];
    await writeAlerts(stack.clients.dynamodb, table, batch);
    await steps.poll();
    expect(got.map((a) => a.alert_time)).toEqual([clock - 9, clock - 5, clock - 3]);
    stop.abort();
    await following;
  });
});
