/**
 * Iceberg ids (snapshot ids above all) are 64-bit longs: `JSON.parse` would silently round
 * 3055729675574597004 to 3055729675574597000. These helpers keep integers beyond 2^53 exact by
 * turning them into `bigint` on the way in and back into bare JSON numbers on the way out.
 */

const SENTINEL = '\u0000bigint:';
const SENTINEL_RE = /"\\u0000bigint:(-?\d+)"/g;

/** Quotes integer literals that do not fit a double, outside of strings, with a sentinel prefix. */
function protectBigIntegers(text: string): string {
  let out = '';
  let i = 0;
  let last = 0;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      // skip a string literal, honouring escapes
      i++;
      while (i < text.length && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
      i++;
      continue;
    }
    if (ch === 0x2d || (ch >= 0x30 && ch <= 0x39)) {
      let j = i + 1;
      while (j < text.length && /[0-9eE.+-]/.test(text.charAt(j))) j++;
      const literal = text.slice(i, j);
      if (/^-?\d{16,}$/.test(literal) && !Number.isSafeInteger(Number(literal))) {
        out += `${text.slice(last, i)}"\\u0000bigint:${literal}"`;
        last = j;
      }
      i = j;
      continue;
    }
    i++;
  }
  return out + text.slice(last);
}

/** `JSON.parse` that returns `bigint` for integers outside the safe range (and numbers otherwise). */
export function parseLosslessJson(text: string): unknown {
  return JSON.parse(protectBigIntegers(text), (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(SENTINEL) ? BigInt(value.slice(SENTINEL.length)) : value,
  );
}

/** `JSON.stringify` that writes `bigint` values as bare JSON integers. */
export function stringifyLosslessJson(value: unknown, space?: number): string {
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => (typeof v === 'bigint' ? `${SENTINEL}${v.toString()}` : v),
    space,
  );
  return text.replace(SENTINEL_RE, '$1');
}
