import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalObjectStore } from '@coattail/connectors';
import { IcebergCatalog, LocalPointerStore, type ResultRow, type Row, type Table } from '@coattail/iceberg';

/** A throwaway Iceberg catalog on the local disk (pointer folder + object folder). */
export async function tempCatalog(): Promise<{ catalog: IcebergCatalog; dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'coattail-batch-'));
  const catalog = new IcebergCatalog({
    pointers: new LocalPointerStore(join(dir, 'catalog')),
    store: new LocalObjectStore(join(dir, 'objects')),
  });
  return { catalog, dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Every row of a table as plain objects. */
export async function allRows(table: Table): Promise<ResultRow[]> {
  await table.refresh();
  return table.scan().toRows();
}

/** 2021-10-22T23:00:00Z, near the fixtures' recording. */
export const T0 = Date.UTC(2021, 9, 22, 23, 0, 0);

export const MIN = 60_000;

/** Trades of minutes [from, to): about 1 BTC a minute, `spikes` minutes ten times that. */
export function minuteTrades(from: number, to: number, spikes: readonly number[]): Row[] {
  const out: Row[] = [];
  for (let m = from; m < to; m++) {
    const volume = spikes.includes(m) ? 12 : 1 + (m % 3) * 0.1;
    for (let k = 0; k < 3; k++) {
      const id = m * 10 + k;
      out.push({
        event_id: `binance:BTC-USDT:${id}`,
        exchange: 'binance',
        symbol: 'BTC-USDT',
        trade_id: String(id),
        price: 60_000,
        quantity: volume / 3,
        quote_volume: 20_000 * volume,
        side: 'buy',
        event_time: new Date(T0 + m * MIN + k * 1000),
        ingest_time: new Date(T0 + m * MIN + k * 1000),
      });
    }
  }
  return out;
}
