import { describe, expect, it } from 'vitest';
import { MIN_WATERMARK } from '../types.js';
import { SplitWatermarks } from './split-watermarks.js';
import { WatermarkStrategy } from './watermark-strategy.js';

const bounded = (ms: number) => WatermarkStrategy.forBoundedOutOfOrderness<number>(ms).createGenerator();

describe('WatermarkStrategy', () => {
  it('trails the highest timestamp by the bound, minus one', () => {
    const g = bounded(5_000);
    expect(g.currentWatermark()).toBe(MIN_WATERMARK);
    g.onEvent(10_000);
    g.onEvent(7_000);
    expect(g.currentWatermark()).toBe(4_999);
  });

  it('rejects nonsense bounds and idleness', () => {
    expect(() => WatermarkStrategy.forBoundedOutOfOrderness(-1)).toThrow(/>= 0/);
    expect(() => WatermarkStrategy.forMonotonousTimestamps().withIdleness(0)).toThrow(/> 0/);
  });

  it('keeps the assigner and idleness through the fluent calls', () => {
    const s = WatermarkStrategy.boundedOutOfOrderness<{ t: number }>(10)
      .withTimestampAssigner((r) => r.t)
      .withIdleness(30_000);
    expect(s.idleTimeoutMs).toBe(30_000);
    expect(s.timestampAssigner?.({ t: 42 }, undefined)).toBe(42);
    expect(WatermarkStrategy.noWatermarks().createGenerator().currentWatermark()).toBe(MIN_WATERMARK);
  });
});

describe('SplitWatermarks', () => {
  it('is the minimum over active splits', () => {
    const w = new SplitWatermarks();
    w.add('a', bounded(0), undefined, 0);
    w.add('b', bounded(0), undefined, 0);
    w.generator('a')!.onEvent(100);
    w.generator('b')!.onEvent(50);
    expect(w.update(0)).toBe(49);
  });

  it('leaves an idle split out so it cannot stall the others, and takes it back when it speaks', () => {
    const w = new SplitWatermarks();
    w.add('a', bounded(0), 1_000, 0);
    w.add('b', bounded(0), 1_000, 0);
    w.generator('a')!.onEvent(100);
    w.generator('b')!.onEvent(50);
    w.touch('a', 0);
    w.touch('b', 0);
    expect(w.update(500)).toBe(49);
    w.generator('a')!.onEvent(5_000);
    w.touch('a', 1_200);
    expect(w.update(1_200)).toBe(4_999); // b silent for 1 200 ms > 1 000: idle
    expect(w.isIdle('b')).toBe(true);
    w.generator('b')!.onEvent(6_000);
    w.touch('b', 1_300);
    w.generator('a')!.onEvent(7_000);
    expect(w.update(1_300)).toBe(5_999);
    expect(w.isIdle('b')).toBe(false);
  });

  it('never moves backwards, even when a returning split is behind', () => {
    const w = new SplitWatermarks();
    w.add('a', bounded(0), 1_000, 0);
    w.add('b', bounded(0), 1_000, 0);
    w.generator('a')!.onEvent(10_000);
    w.touch('a', 2_000);
    expect(w.update(2_000)).toBe(9_999);
    w.generator('b')!.onEvent(20);
    w.touch('b', 2_100);
    expect(w.update(2_100)).toBe(9_999);
  });

  it('holds when every split is idle', () => {
    const w = new SplitWatermarks();
    w.add('a', bounded(0), 100, 0);
    w.generator('a')!.onEvent(1_000);
    expect(w.update(50)).toBe(999);
    expect(w.update(10_000)).toBe(999);
  });

  it('starts a restored split from its checkpointed watermark', () => {
    const w = new SplitWatermarks();
    w.add('a', bounded(0), undefined, 0, { watermark: 777 });
    expect(w.update(0)).toBe(777);
  });
});
