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
