import { InvalidArgumentError } from 'commander';

/** Commander parser for a positive number, with an error that names the option's value. */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got '${value}'`);
  return n;
}

/** Commander parser for a whole number ≥ 1 (counts, concurrency). */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a whole number of at least 1, got '${value}'`);
  }
  return n;
}

/** Commander parser for a TCP port: 0 (any free port) to 65535. */
export function port(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n > 65_535) {
    throw new InvalidArgumentError(`expected a port from 0 (any free port) to 65535, got '${value}'`);
  }
  return n;
}

/** Commander parser for an Iceberg snapshot id: a signed 64-bit integer, kept exact as a bigint. */
export function snapshotId(value: string): bigint {
  if (!/^-?\d{1,19}$/.test(value.trim())) {
    throw new InvalidArgumentError(
      `expected a snapshot id (a whole number, as 'coattail iceberg snapshots' lists), got '${value}'`,
    );
  }
  return BigInt(value.trim());
}

const DURATION_UNITS_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Commander parser for an age like `90m`, `36h`, `7d` or `2w` (s, m, h, d, w), in ms. */
export function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(value.trim());
  if (!match)
    throw new InvalidArgumentError(`expected an age like 36h, 7d or 2w (units s, m, h, d, w), got '${value}'`);
  return Number(match[1]) * DURATION_UNITS_MS[match[2] as keyof typeof DURATION_UNITS_MS];
}
