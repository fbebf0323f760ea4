/** The five deduction keys of `monitoring_file_data_quality.deductions`. */
export type DeductionKey = 'schema' | 'format' | 'completeness' | 'bounds' | 'uniqueness';

/** The five check keys of `monitoring_file_data_quality.metrics`, in the order the reporting tables list them. */
export type CheckName = 'schemaValidation' | 'formatParsing' | 'completeness' | 'boundsRange' | 'uniqueness';

/** Which deduction each check feeds. */
export const CHECK_DEDUCTION: Readonly<Record<CheckName, DeductionKey>> = {
  schemaValidation: 'schema',
  formatParsing: 'format',
  completeness: 'completeness',
  boundsRange: 'bounds',
  uniqueness: 'uniqueness',
};

/**
 * The most each check can deduct from 100. They sum to 120 on purpose (the scoring rules): a file
 * failing everything clamps to 0.
 */
export const DEDUCTION_WEIGHTS: Readonly<Record<DeductionKey, number>> = {
  schema: 40,
  format: 35,
  completeness: 20,
  bounds: 15,
  uniqueness: 10,
};

/** A file passes at this score or above. */
export const PASS_SCORE = 80;

export type Deductions = Record<DeductionKey, number>;

/**
 * The proportional deduction of one check: `weight × failed / total`, capped at the weight and
 * rounded to 4 decimals (the JSON keeps fractions, without float noise such as 8.000000000001).
 * Nothing to check (`total` 0) deducts nothing.
 *
 * @example
 * proportionalDeduction('schema', 1, 5) // 8: one of five schema fields failed
 */
export function proportionalDeduction(key: DeductionKey, failed: number, total: number): number {
  if (total <= 0 || failed <= 0) return 0;
  const weight = DEDUCTION_WEIGHTS[key];
  return round4(Math.min(weight, (weight * failed) / total));
}

/** A fraction in [0, 1] of a weight, capped; used for ratios computed elsewhere (key uniqueness). */
export function fractionDeduction(key: DeductionKey, fraction: number): number {
  if (!(fraction > 0)) return 0;
  return round4(DEDUCTION_WEIGHTS[key] * Math.min(1, fraction));
}

/**
 * Score = clamp(round(100 − Σ deductions), 0, 100); `Math.round` rounds halves up (77.5 → 78).
 *
 * @example
 * scoreOf({ schema: 0, format: 0, completeness: 6, bounds: 0, uniqueness: 0.3 }) // 94
 */
export function scoreOf(deductions: Deductions): number {
  const total =
    deductions.schema + deductions.format + deductions.completeness + deductions.bounds + deductions.uniqueness;
  return Math.min(100, Math.max(0, Math.round(100 - total)));
}

/** passed = score ≥ {@link PASS_SCORE}. */
export function passedScore(score: number): boolean {
  return score >= PASS_SCORE;
}

export function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** A ratio as a short percent text: 0.03 → "3%", 0.123456 → "12.35%", 1e-7 → "<0.01%". */
export function percentText(ratio: number): string {
  if (ratio > 0 && ratio < 0.0001) return '<0.01%';
  if (ratio < 1 && ratio > 0.9999) return '>99.99%';
  return `${Number((ratio * 100).toFixed(2))}%`;
}
