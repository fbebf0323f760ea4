import { InvalidArgumentError } from 'commander';

/** Commander parser for a positive number, with an error that names the option's value. */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got '${value}'`);
  return n;
}
