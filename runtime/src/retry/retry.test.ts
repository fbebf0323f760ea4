import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { PlatformError } from '../errors.js';
import { backoffDelay, isRetryable, withRetry } from './retry.js';

class Flaky extends PlatformError {
  constructor(retryable: boolean, attempts?: number) {
    super('FLAKY', 'flaky peer', { retryable, domain: 'external' });
    if (attempts !== undefined) Object.assign(this, { $metadata: { attempts } });
  }
}

/** An operation that fails with the given errors, then returns 'ok'; it records its call numbers. */
function failing(...errors: Error[]): { calls: number[]; op: (call: number) => Promise<string> } {
  const calls: number[] = [];
  return {
    calls,
    op: (call) => {
      calls.push(call);
      const error = errors.shift();
      return error === undefined ? Promise.resolve('ok') : Promise.reject(error);
    },
  };
}

describe('the retry policy', () => {
  it('retries retryable failures until the call succeeds, backing off on the given clock', async () => {
    const clock = new ManualClock();
    const delays: number[] = [];
    const { calls, op } = failing(new Flaky(true), new Flaky(true));
    const result = await withRetry(op, { clock, baseMs: 100, onRetry: (_e, _n, ms) => delays.push(ms) });
    expect(result).toBe('ok');
    expect(calls).toEqual([1, 2, 3]);
    expect(delays).toHaveLength(2);
    expect(delays[0]!).toBeLessThan(100);
    expect(delays[1]!).toBeLessThan(200);
    expect(clock.now()).toBe(delays[0]! + delays[1]!);
  });

  it('gives up at once on an error that says it is not retryable', async () => {
    const { calls, op } = failing(new Flaky(false));
    await expect(withRetry(op, { clock: new ManualClock() })).rejects.toMatchObject({ code: 'FLAKY' });
    expect(calls).toEqual([1]);
  });

  it('throws the last error when attempts run out', async () => {
    const { calls, op } = failing(new Flaky(true), new Flaky(true), new Flaky(true), new Flaky(true));
    await expect(withRetry(op, { attempts: 3, clock: new ManualClock() })).rejects.toBeInstanceOf(Flaky);
    expect(calls).toEqual([1, 2, 3]);
  });

  it("counts a self-retrying client's own attempts against the budget instead of multiplying them", async () => {
    // An SDK call that made 3 attempts itself before failing uses 3 of the 8: two such calls and
    // the third is the last (3 + 3 + 3 >= 8), so no more than 9 requests reach the peer, not 24.
    const { calls, op } = failing(new Flaky(true, 3), new Flaky(true, 3), new Flaky(true, 3), new Flaky(true, 3));
    const attemptsUsed = (e: unknown): number => (e instanceof Flaky ? 3 : 1);
    await expect(withRetry(op, { attempts: 8, clock: new ManualClock(), attemptsUsed })).rejects.toBeInstanceOf(Flaky);
    expect(calls).toEqual([1, 2, 3]);
  });

  it('stops retrying once its signal aborts', async () => {
    const controller = new AbortController();
    const { calls, op } = failing(new Flaky(true), new Flaky(true));
    const run = withRetry(op, {
      clock: new ManualClock(),
      signal: controller.signal,
      onRetry: () => controller.abort(),
    });
    await expect(run).rejects.toBeInstanceOf(Flaky);
    expect(calls).toEqual([1, 2]);
  });

  it('draws full-jitter delays below a doubling ceiling, capped', () => {
    expect(backoffDelay(0, 100, 5_000, () => 0.999)).toBe(99);
    expect(backoffDelay(3, 100, 5_000, () => 0.5)).toBe(400);
    expect(backoffDelay(20, 100, 5_000, () => 0.5)).toBe(2_500);
    expect(backoffDelay(5, 100, 5_000, () => 0)).toBe(0);
  });

  it("reads an error's own retryable flag, and retries what it knows nothing about", () => {
    expect(isRetryable(new Flaky(false))).toBe(false);
    expect(isRetryable(new Flaky(true))).toBe(true);
    expect(isRetryable(new Error('socket hang up'))).toBe(true);
    expect(isRetryable('a string')).toBe(true);
  });
});
