import { InvalidArgumentError } from 'commander';

/** Commander parser for a positive number, with an error that names the option's value. */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got '${value}'`);
  return n;
}

/** Commander parser for a whole number ≥ 1 (counts), with an error that names the value. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a whole number ≥ 1, got '${value}'`);
  return n;
}

const DURATION_UNITS_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Commander parser for an age like `90m`, `36h`, `7d` or `2w` (s, m, h, d, w), in ms. */
export function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(value.trim());
  if (!match)
    throw new InvalidArgumentError(`expected an age like 36h, 7d or 2w (units s, m, h, d, w), got '${value}'`);
  return Number(match[1]) * DURATION_UNITS_MS[match[2] as keyof typeof DURATION_UNITS_MS];
}
