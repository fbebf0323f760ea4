import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalObjectStore } from '@coattail/connectors';
import { IcebergCatalog, LocalPointerStore, type ResultRow, type Table } from '@coattail/iceberg';

/** A throwaway Iceberg catalog on the local disk (pointer folder + object folder). */
export async function tempCatalog(): Promise<{ catalog: IcebergCatalog; dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'coattail-batch-'));
  const catalog = new IcebergCatalog({ pointers: new LocalPointerStore(join(dir, 'catalog')), store: new LocalObjectStore(join(dir, 'objects')) });
  return { catalog, dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Every row of a table as plain objects. */
export async function allRows(table: Table): Promise<ResultRow[]> {
  await table.refresh();
  return table.scan().toRows();
}

/** 2021-10-22T23:00:00Z, near the fixtures' recording. */
export const T0 = Date.UTC(2021, 9, 22, 23, 0, 0);
