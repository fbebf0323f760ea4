/**
 * Exact parsing of the decimal strings exchanges send for prices and sizes. Both Binance and
 * Coinbase send plain decimals ("9302.00000000"); anything else (exponents, signs, "NaN",
 * "Infinity", blanks) is refused with a reason rather than guessed at.
 */

/** A positive decimal: `units / 10^scale`, exact. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

/** Result of {@link parseDecimal}: the value or why it was refused. */
export type DecimalResult = { ok: true; value: Decimal } | { ok: false; reason: string };

const PLAIN_DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Parses a plain decimal string exactly, refusing NaN, infinities, negatives, zero and any
 * non-decimal spelling. `field` names the value in the reason ("price", "quantity").
 *
 * @example
 * parseDecimal('0.00101900', 'quantity'); // { ok: true, value: { units: 101900n, scale: 8 } }
 * parseDecimal('-1', 'quantity');         // { ok: false, reason: "quantity '-1' is negative" }
 */
export function parseDecimal(text: unknown, field: string): DecimalResult {
  if (typeof text !== 'string') return { ok: false, reason: `${field} must be a decimal string, got ${typeof text}` };
  const m = PLAIN_DECIMAL.exec(text);
  if (m === null) {
    const t = text.trim().toLowerCase();
    if (t === 'nan') return { ok: false, reason: `${field} is NaN` };
    if (/^[+-]?inf(inity)?$/.test(t)) return { ok: false, reason: `${field} '${text}' is infinite` };
    if (/^-\d*\.?\d+$/.test(t)) return { ok: false, reason: `${field} '${text}' is negative` };
    return { ok: false, reason: `${field} '${text.slice(0, 40)}' is not a plain decimal` };
  }
  const fraction = m[2] ?? '';
  const units = BigInt(m[1]! + fraction);
  if (units === 0n) return { ok: false, reason: `${field} '${text}' is zero` };
  return { ok: true, value: { units, scale: fraction.length } };
}

/** The exact product of two decimals. */
export function multiply(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** Canonical decimal text (no trailing zeros in the fraction). */
export function decimalToString(d: Decimal): string {
  let digits = d.units.toString();
  if (d.scale === 0) return digits;
  digits = digits.padStart(d.scale + 1, '0');
  const point = digits.length - d.scale;
  let end = digits.length;
  while (end > point && digits.charCodeAt(end - 1) === 48 /* '0' */) end--;
  const int = digits.slice(0, point);
  return end === point ? int : `${int}.${digits.slice(point, end)}`;
}

/**
 * The double nearest to the exact value: rounded once, from the exact decimal, so
 * `quote_volume` is not the product of two already-rounded doubles.
 */
export function decimalToNumber(d: Decimal): number {
  return Number(decimalToString(d));
}
