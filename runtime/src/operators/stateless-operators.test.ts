import { describe, expect, it } from 'vitest';
import { OutputTag } from '../api/output-tag.js';
import { StreamEnvironment } from '../api/stream-environment.js';
import { UserFunctionError } from '../errors.js';
import { CollectSink, CountingSink } from '../sink/collect-sink.js';
import { OperatorHarness } from '../testing/operator-harness.js';

describe('stateless operators', () => {
  it('maps, filters and flat-maps records, keeping each record\u2019s timestamp', () => {
    const h = OperatorHarness.of<number, string>((s) =>
      s
        .map((n) => n * 10)
        .filter((n) => n !== 20)
        .flatMap<string>((n, out) => {
          out.collect(`${n}a`);
          out.collect(`${n}b`);
        }),
    );
    h.processElements([
      { value: 1, timestamp: 100 },
      { value: 2, timestamp: 200 },
      { value: 3, timestamp: 300 },
    ]);
    expect(h.output()).toEqual([
      { value: '10a', timestamp: 100 },
      { value: '10b', timestamp: 100 },
      { value: '30a', timestamp: 300 },
      { value: '30b', timestamp: 300 },
    ]);
  });

  it('routes records to side outputs from a process function', () => {
    const odd = new OutputTag<number>('odd');
    const h = OperatorHarness.of<number, number>(
      (s) =>
        s.process<number>({
          processElement: (n, ctx, out) => (n % 2 === 0 ? out.collect(n) : ctx.output(odd, n * 100 + ctx.timestamp)),
        }),
      { sideOutputs: [odd] },
    );
    h.processElement(1, 5).processElement(2, 6).processElement(3, 7);
    expect(h.outputValues()).toEqual([2]);
    expect(h.sideOutput(odd).map((r) => r.value)).toEqual([105, 307]);
  });

  it('unions streams and fans one stream out to several consumers', async () => {
    const env = StreamEnvironment.create();
    const a = env.fromCollection([1, 2]);
    const b = env.fromCollection([10, 20]);
    const all = new CollectSink<number>();
    const count = new CountingSink<number>();
    const merged = a.union(b.map((x) => x + 1));
    merged.sinkTo(all);
    merged.sinkTo(count);
    await env.execute({ jobId: 'union', tasks: 'single' });
    expect(all.values.sort((x, y) => x - y)).toEqual([1, 2, 11, 21]);
    expect(count.count).toBe(4);
    expect(count.last).toBeDefined();
  });

  it('names the operator whose user function threw', () => {
    const h = OperatorHarness.of<number, number>((s) =>
      s
        .map((n) => {
          if (n === 3) throw new Error('bad record');
          return n;
        })
        .name('parse-trade'),
    );
    expect(() => h.processElement(3, 0)).toThrow(UserFunctionError);
    expect(() => h.processElement(3, 0)).toThrow(/operator 'parse-trade' threw: bad record/);
  });

  it('refuses to union streams of different environments', () => {
    const a = StreamEnvironment.create().fromCollection([1]);
    const b = StreamEnvironment.create().fromCollection([2]);
    expect(() => a.union(b)).toThrow(/different StreamEnvironments/);
  });
});
