import { describe, expect, it } from 'vitest';
import { progressReporter } from './progress.js';

const sample = { symbol: 'BTC-USDT', rows: 50_000, requests: 50, doneMs: 500, totalMs: 1000, startedAt: 0 };

describe('progressReporter', () => {
  it('redraws one bar with rate and ETA in place on a terminal', () => {
    const out: string[] = [];
    const p = progressReporter({ write: (t: string) => out.push(t) }, { tty: true, now: () => 10_000 });
    p.update(sample);
    expect(out[0]).toBe('\rBTC-USDT [############------------]  50.0% 50,000 rows 5,000 rows/s ETA 0:10  ');
  });

  it('prints plain key=value lines, throttled, when the output is not a terminal', () => {
    const out: string[] = [];
    let now = 10_000;
    const p = progressReporter({ write: (t: string) => out.push(t) }, { tty: false, intervalMs: 5000, now: () => now });
    p.update(sample);
    now += 1000;
    p.update(sample);
    p.finish({ ...sample, rows: 60_000 });
    expect(out).toEqual([
      'progress symbol=BTC-USDT pct=50.0 rows=50000 requests=50 rate=5000/s eta=0:10\n',
      'progress symbol=BTC-USDT pct=100.0 rows=60000 requests=50 rate=5455/s eta=0:00\n',
    ]);
  });
});
