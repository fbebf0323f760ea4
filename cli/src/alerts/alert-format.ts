import type { Alert } from '@coattail/connectors';

/** How `list` and `tail` print alerts. */
export type AlertFormat = 'table' | 'jsonl' | 'csv';
export const ALERT_FORMATS: readonly AlertFormat[] = ['table', 'jsonl', 'csv'];

const num = (n: number | null | undefined, digits = 4): string =>
  n === null || n === undefined ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits });

/** The one-line gist of an alert, by kind: what a user scans the table for. */
export function alertDetail(a: Alert): string {
  switch (a.alert_type) {
    case 'WHALE': {
      const context = [
        a.size_vs_avg !== null ? `${num(a.size_vs_avg, 1)}x avg` : undefined,
        a.price_vs_vwap_pct !== null
          ? `${a.price_vs_vwap_pct >= 0 ? '+' : ''}${num(a.price_vs_vwap_pct, 3)}% vs 1m VWAP`
          : undefined,
      ].filter((c) => c !== undefined);
      return `${a.side ?? 'trade'} ${num(a.quantity)} @ ${num(a.price)} = ${num(a.quote_volume, 0)}${context.length > 0 ? ` (${context.join(', ')})` : ''}`;
    }
    case 'VOLUME_ANOMALY':
      return `volume ${num(a.volume, 2)} vs mean ${num(a.mean_volume, 2)} ± ${num(a.stddev_volume, 2)}: z ${num(a.z_score, 2)} (threshold ${num(a.threshold, 2)})`;
    case 'SPREAD':
      return `${a.low_exchange} ${num(a.low_vwap)} → ${a.high_exchange} ${num(a.high_vwap)}: ${num(a.spread_pct, 3)}% (threshold ${num(a.threshold_pct, 3)}%)`;
  }
}

const exchangeOf = (a: Alert): string =>
  a.alert_type === 'SPREAD' ? `${a.low_exchange}/${a.high_exchange}` : a.exchange;

const TABLE_COLUMNS = [
  ['TIME (UTC)', 24],
  ['KIND', 14],
  ['SYMBOL', 10],
  ['EXCHANGE', 17],
  ['DETAIL', 72],
  ['ID', 0],
] as const;

const row = (cells: readonly string[]): string =>
  cells
    .map((c, i) => (TABLE_COLUMNS[i]![1] > 0 ? c.padEnd(TABLE_COLUMNS[i]![1]) : c))
    .join(' ')
    .trimEnd();

/** Every attribute a CSV row carries, in this order; attributes a kind lacks stay empty. */
export const CSV_COLUMNS = [
  'alert_id',
  'alert_type',
  'symbol',
  'alert_time',
  'alert_time_iso',
  'event_time',
  'exchange',
  'event_id',
  'trade_id',
  'side',
  'price',
  'quantity',
  'quote_volume',
  'threshold',
  'size_vs_avg',
  'vwap_1m',
  'price_vs_vwap_pct',
  'window_start',
  'window_end',
  'volume',
  'mean_volume',
  'stddev_volume',
  'z_score',
  'history_minutes',
  'low_exchange',
  'low_vwap',
  'high_exchange',
  'high_vwap',
  'spread_pct',
  'threshold_pct',
  'flagged',
  'trades',
] as const;

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text =
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Prints alerts one at a time in a format (the header once, before the first alert), so `tail`
 * can stream and `list` can print as it reads.
 */
export class AlertPrinter {
  #headed = false;
  constructor(
    private readonly format: AlertFormat,
    private readonly write: (line: string) => void,
  ) {}

  /** Prints the header now even with no alert yet (a table or CSV with no rows still names its columns). */
  header(): void {
    if (this.#headed || this.format === 'jsonl') return;
    this.#headed = true;
    this.write(this.format === 'table' ? row(TABLE_COLUMNS.map(([name]) => name)) : CSV_COLUMNS.join(','));
  }

  print(a: Alert): void {
    this.header();
    switch (this.format) {
      case 'jsonl':
        this.write(JSON.stringify(a));
        return;
      case 'csv': {
        const record: Record<string, unknown> = { ...a, alert_time_iso: new Date(a.alert_time).toISOString() };
        this.write(CSV_COLUMNS.map((c) => csvCell(record[c])).join(','));
        return;
      }
      case 'table':
        this.write(
          row([
            new Date(a.alert_time).toISOString(),
            a.alert_type,
            a.symbol,
            exchangeOf(a),
            alertDetail(a),
            a.alert_id,
          ]),
        );
    }
  }
}

/** Every attribute of one alert, one per line (`show`), times also as ISO 8601. */
export function describeAlert(a: Alert): string[] {
  const lines: string[] = [];
  const width = Math.max(...Object.keys(a).map((k) => k.length));
  for (const [key, value] of Object.entries(a)) {
    let text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    if (typeof value === 'number' && /(_time|window_start|window_end)$/.test(key))
      text += `  (${new Date(value).toISOString()})`;
    if (key === 'expires_at' && typeof value === 'number') text += `  (${new Date(value * 1000).toISOString()})`;
    lines.push(`${key.padEnd(width)}  ${text}`);
  }
  lines.push(`${'summary'.padEnd(width)}  ${alertDetail(a)}`);
  return lines;
}
