import { ALERT_KINDS, type AlertKind, type AlertQuery } from '@coattail/connectors';
import { InvalidArgumentError } from 'commander';
import { duration } from '../options.js';

/** A time given on the command line: an age (`10m` ago) or an instant. */
export type TimeArg = { ago: number } | { at: number };

/**
 * Commander parser for `--since` / `--until`: an age like `10m`, `2h` or `7d` (before now), an ISO
 * 8601 time (`2026-12-07T14:00:00Z`, `2026-12-07`), or epoch milliseconds.
 */
export function timeArg(value: string): TimeArg {
  const v = value.trim();
  if (/^\d+(\.\d+)?[smhdw]$/.test(v)) return { ago: duration(v) };
  if (/^\d{12,}$/.test(v)) return { at: Number(v) };
  if (/^\d{4}-\d{2}-\d{2}/.test(v)) {
    const at = Date.parse(v);
    if (!Number.isNaN(at)) return { at };
  }
  throw new InvalidArgumentError(
    `expected an age like 10m, 2h or 7d (units s, m, h, d, w), an ISO 8601 time like 2026-12-07T14:00:00Z, or epoch ms; got '${value}'`,
  );
}

const KIND_ALIASES: Record<string, AlertKind> = {
  volume_anomaly: 'VOLUME_ANOMALY',
  'volume-anomaly': 'VOLUME_ANOMALY',
  anomaly: 'VOLUME_ANOMALY',
  anomalies: 'VOLUME_ANOMALY',
  whale: 'WHALE',
  whales: 'WHALE',
  spread: 'SPREAD',
  spreads: 'SPREAD',
};

/** Commander parser for a repeatable, comma-separated `--kind`: WHALE, SPREAD, VOLUME_ANOMALY (any case). */
export function kindArg(value: string, previous: AlertKind[] = []): AlertKind[] {
  const out = [...previous];
  for (const part of value.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const kind = KIND_ALIASES[part.toLowerCase()];
    if (kind === undefined)
      throw new InvalidArgumentError(
        `unknown alert kind '${part}': expected ${ALERT_KINDS.join(', ')} (or whale, spread, anomaly)`,
      );
    if (!out.includes(kind)) out.push(kind);
  }
  return out;
}

/** Commander parser for a repeatable, comma-separated `--symbol`, as the producer names them (BTC-USDT). */
export function symbolArg(value: string, previous: string[] = []): string[] {
  const out = [...previous];
  for (const part of value.split(',').map((p) => p.trim().toUpperCase())) {
    if (part === '') continue;
    if (!/^[A-Z0-9][A-Z0-9._/-]*$/.test(part))
      throw new InvalidArgumentError(`expected a symbol like BTC-USDT, got '${part}'`);
    if (!out.includes(part)) out.push(part);
  }
  return out;
}

/** The filter options `list` and `tail` share. */
export interface FilterOptions {
  symbol?: string[];
  kind?: AlertKind[];
  since?: TimeArg;
  until?: TimeArg;
}

const resolve = (t: TimeArg, now: number): number => ('ago' in t ? now - t.ago : t.at);
const iso = (t: number): string => new Date(t).toISOString();

/** The client query for the command-line filters, with ages resolved against `now`. */
export function alertQuery(options: FilterOptions, now: number): AlertQuery {
  const since = options.since === undefined ? undefined : resolve(options.since, now);
  const until = options.until === undefined ? undefined : resolve(options.until, now);
  if (since !== undefined && until !== undefined && since >= until)
    throw new Error(`--since (${iso(since)}) must be before --until (${iso(until)}): the range is [since, until)`);
  return {
    ...(options.symbol !== undefined && options.symbol.length > 0 ? { symbols: options.symbol } : {}),
    ...(options.kind !== undefined && options.kind.length > 0 ? { kinds: options.kind } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
  };
}
