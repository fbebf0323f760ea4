import { describe, expect, it } from 'vitest';
import {
  DEDUCTION_WEIGHTS,
  fractionDeduction,
  passedScore,
  percentText,
  proportionalDeduction,
  scoreOf,
} from './scoring.js';

describe('file quality scoring rules', () => {
  it('weighs schema 40, format 35, completeness 20, bounds 15, uniqueness 10', () => {
    expect(DEDUCTION_WEIGHTS).toEqual({ schema: 40, format: 35, completeness: 20, bounds: 15, uniqueness: 10 });
  });

  it('deducts 8 when one of five schema fields failed (the documented example)', () => {
    expect(proportionalDeduction('schema', 1, 5)).toBe(8);
  });

  it('keeps fractional deductions, rounded to four decimals', () => {
    expect(proportionalDeduction('format', 1, 3)).toBe(11.6667);
    expect(proportionalDeduction('uniqueness', 3, 100)).toBe(0.3);
  });

  it('caps a deduction at its weight and deducts nothing when nothing was checked or failed', () => {
    expect(proportionalDeduction('bounds', 10, 5)).toBe(15);
    expect(proportionalDeduction('bounds', 3, 0)).toBe(0);
    expect(proportionalDeduction('bounds', 0, 10)).toBe(0);
    expect(fractionDeduction('uniqueness', 2)).toBe(10);
    expect(fractionDeduction('uniqueness', 0)).toBe(0);
    expect(fractionDeduction('uniqueness', Number.NaN)).toBe(0);
    expect(fractionDeduction('uniqueness', 0.03)).toBe(0.3);
  });

  it('scores 100 minus the deductions, rounded half up', () => {
    expect(scoreOf({ schema: 0, format: 0, completeness: 6, bounds: 0, uniqueness: 0.3 })).toBe(94);
    expect(scoreOf({ schema: 0, format: 0, completeness: 22.5, bounds: 0, uniqueness: 0 })).toBe(78);
    expect(scoreOf({ schema: 0, format: 0, completeness: 0, bounds: 0, uniqueness: 0 })).toBe(100);
  });

  it('scores the deductions of the documented example by the rules: 6 + 17 → 77 (17 exceeds the uniqueness weight; our checks never produce it)', () => {
    expect(scoreOf({ schema: 0, format: 0, completeness: 6, bounds: 0, uniqueness: 17 })).toBe(77);
  });

  it('clamps the score to 0..100', () => {
    expect(scoreOf({ schema: 40, format: 35, completeness: 20, bounds: 15, uniqueness: 10 })).toBe(0);
    expect(scoreOf({ schema: -5, format: 0, completeness: 0, bounds: 0, uniqueness: 0 })).toBe(100);
  });

  it('passes at 80 and above', () => {
    expect(passedScore(80)).toBe(true);
    expect(passedScore(79)).toBe(false);
  });

  it('writes ratios as short percents', () => {
    expect(percentText(0.03)).toBe('3%');
    expect(percentText(0.123456)).toBe('12.35%');
    expect(percentText(1e-7)).toBe('<0.01%');
    expect(percentText(0.999999)).toBe('>99.99%');
    expect(percentText(1)).toBe('100%');
    expect(percentText(0)).toBe('0%');
  });
});
