import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from './clock.js';

describe('clocks', () => {
  it('lets a manual clock skip time on sleep, but never go back', async () => {
    const clock = new ManualClock(100);
    await clock.sleep(50);
    expect(clock.now()).toBe(150);
    expect(() => clock.set(10)).toThrow(/cannot go back/);
  });

  it('wakes a system-clock sleep early when it is aborted', async () => {
    const abort = new AbortController();
    const started = Date.now();
    const sleeping = systemClock.sleep(10_000, abort.signal);
    abort.abort();
    await sleeping;
    expect(Date.now() - started).toBeLessThan(1_000);
    await systemClock.sleep(1, abort.signal); // already aborted: returns at once
  });
});
