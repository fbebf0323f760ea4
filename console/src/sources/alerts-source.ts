import type { Alert, AlertsClient } from '@coattail/connectors';
import type { ConsoleAlert } from '../model/snapshot.js';

/** The fields of an alert the page shows (the feed line, the chart marker). */
export function toConsoleAlert(alert: Alert): ConsoleAlert {
  const out: ConsoleAlert = {
    alert_id: alert.alert_id,
    alert_type: alert.alert_type,
    symbol: alert.symbol,
    alert_time: alert.alert_time,
  };
  switch (alert.alert_type) {
    case 'WHALE':
      return {
        ...out,
        exchange: alert.exchange,
        price: alert.price,
        quote_volume: alert.quote_volume,
        side: alert.side,
        threshold: alert.threshold,
      };
    case 'VOLUME_ANOMALY':
      return { ...out, exchange: alert.exchange, z_score: alert.z_score, threshold: alert.threshold };
    case 'SPREAD':
      return {
        ...out,
        exchange: `${alert.high_exchange} > ${alert.low_exchange}`,
        spread_pct: alert.spread_pct,
        threshold_pct: alert.threshold_pct,
      };
  }
}

/**
 * The console's alerts source over the typed alerts client: the first read takes the newest
 * `initial` alerts of the symbols (so a quiet table still shows its last alerts), later reads every
 * alert since the look-back the hub asks for, through the `by_symbol_time` index. Malformed items
 * are the client's business: reported with their key and skipped, never thrown.
 *
 * @example
 * const alerts = alertsSource(new AlertsClient({ client: dynamodb, tableName: 'coattail-alerts' }));
 */
export function alertsSource(
  client: Pick<AlertsClient, 'iterate' | 'latest'>,
  initial = 200,
): (symbols: readonly string[], sinceMs: number) => Promise<ConsoleAlert[]> {
  let first = true;
  return async (symbols, sinceMs) => {
    if (first) {
      const latest = await client.latest(initial, { symbols });
      first = false;
      return latest.map(toConsoleAlert);
    }
    const out: ConsoleAlert[] = [];
    for await (const alert of client.iterate({ symbols, since: sinceMs }, { limit: 1_000 }))
      out.push(toConsoleAlert(alert));
    return out;
  };
}
