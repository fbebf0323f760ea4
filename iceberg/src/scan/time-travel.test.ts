import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IcebergUsageError } from '../errors.js';
import { tempCatalog, tradeSchema, trades, tradeSpec } from '../../test/temp-catalog.js';

let env: Awaited<ReturnType<typeof tempCatalog>>;
beforeEach(async () => {
  env = await tempCatalog();
});
afterEach(async () => env.cleanup());

describe('time travel', () => {
  it('reads an older snapshot by id and by timestamp from the snapshot log', async () => {
    const table = await env.catalog.createTable('market.trades', { schema: tradeSchema, spec: tradeSpec });
    await table.append(trades(10));
    const first = table.currentSnapshot()!;
    await sleep(5);
    const between = Date.now();
    await sleep(5);
    await table.append(trades(15, 3, 10));

    expect(await table.scan().toRows()).toHaveLength(25);
    expect(await table.scan({ snapshotId: first['snapshot-id'] }).toRows()).toHaveLength(10);
    expect(await table.scan({ asOfTimestamp: between }).toRows()).toHaveLength(10);
    expect(await table.scan({ asOfTimestamp: new Date() }).toRows()).toHaveLength(25);
  });

  it('says why when the snapshot or the time is not in the table', async () => {
    const table = await env.catalog.createTable('market.trades', { schema: tradeSchema });
    await table.append(trades(3));
    expect(() => table.scan({ snapshotId: 42n })).toThrow(IcebergUsageError);
    expect(() => table.scan({ asOfTimestamp: 0 })).toThrow(/no snapshot at or before 1970-01-01/);
  });

  it('answers SQL over a snapshot through DuckDB', async () => {
    const table = await env.catalog.createTable('market.trades', { schema: tradeSchema, spec: tradeSpec });
    await table.append(trades(30));
    const rows = await table.scan().sql('SELECT symbol, count(*) AS n FROM t GROUP BY symbol ORDER BY symbol');
    expect(rows).toEqual([
      { symbol: 'BTCUSDT', n: 10n },
      { symbol: 'ETHUSDT', n: 10n },
      { symbol: 'SOLUSDT', n: 10n },
    ]);
  });
});
