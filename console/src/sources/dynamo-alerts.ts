import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { fromItem } from '@coattail/connectors';
import { silentLogger, type Logger } from '@coattail/runtime';
import { z } from 'zod';
import type { ConsoleAlert } from '../model/snapshot.js';

const num = z.number().optional();
/** The fields the page reads; the rest of the item is ignored. */
export const consoleAlertSchema = z.object({
  alert_id: z.string().min(1),
  alert_type: z.enum(['VOLUME_ANOMALY', 'WHALE', 'SPREAD']),
  symbol: z.string().min(1),
  alert_time: z.number(),
  exchange: z.string().optional(),
  price: num,
  quote_volume: num,
  side: z.string().nullable().optional(),
  z_score: num,
  spread_pct: num,
  threshold: num,
  threshold_pct: num,
});

/**
 * Alerts per symbol since a time, through the alerts table's `by_symbol_time` index (symbol,
 * alert_time), every page of each query. An item that does not parse is logged with its key and
 * skipped: one bad item never blanks the feed.
 *
 * @example
 * const alerts = dynamoAlerts(client, 'coattail-alerts');
 * const recent = await alerts(['BTC-USDT'], Date.now() - 600_000);
 */
export function dynamoAlerts(
  client: DynamoDBClient,
  tableName: string,
  logger: Logger = silentLogger,
): (symbols: readonly string[], sinceMs: number) => Promise<ConsoleAlert[]> {
  const log = logger.child({ component: 'console-alerts' });
  const query = async (symbol: string, sinceMs: number): Promise<ConsoleAlert[]> => {
    const out: ConsoleAlert[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'by_symbol_time',
          KeyConditionExpression: 'symbol = :s AND alert_time >= :t',
          ExpressionAttributeValues: { ':s': { S: symbol }, ':t': { N: String(sinceMs) } },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const parsed = consoleAlertSchema.safeParse(fromItem(item));
        if (parsed.success) out.push(parsed.data);
        else log.warn({ alert_id: item.alert_id?.S, issues: parsed.error.issues }, 'alert item skipped: malformed');
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return out;
  };
  return async (symbols, sinceMs) => (await Promise.all(symbols.map((s) => query(s, sinceMs)))).flat();
}
