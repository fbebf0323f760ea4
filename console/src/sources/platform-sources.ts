import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { Table, TableName } from '@coattail/iceberg';
import type { TableView } from '../model/snapshot.js';

/** The tables the page lists, in the order it lists them. */
export const CONSOLE_TABLES: readonly TableName[] = [
  'raw_trades',
  'volume_aggregates',
  'alerts',
  'whale_trades',
  'spreads',
  'anomalies_reprocessed',
];

/**
 * Snapshots and row counts of the platform's Iceberg tables, from their current metadata (one
 * metadata read per table, no data file is opened). A table `open` does not find (undefined) is
 * listed with no snapshot: a console only watches, it never creates tables.
 *
 * @example
 * const tables = icebergTables(platformTables(deps, config));
 */
export function icebergTables(
  open: (name: TableName) => Promise<Table | undefined>,
  names: readonly TableName[] = CONSOLE_TABLES,
): () => Promise<TableView[]> {
  return async () =>
    Promise.all(
      names.map(async (name) => {
        const opened = await open(name);
        if (opened === undefined) return { name, snapshots: 0, rows: 0, lastCommitMs: null };
        const table = await opened.refresh();
        const current = table.currentSnapshot();
        return {
          name,
          snapshots: table.snapshots().length,
          rows: Number(current?.summary['total-records'] ?? 0),
          lastCommitMs: current?.['timestamp-ms'] ?? null,
        };
      }),
    );
}

/**
 * DLQ objects per reason, from the keys under `dlq/{reason}/dt=…/` in the raw bucket. Stops
 * counting at `maxKeys` (the page is a glance, not an inventory).
 */
export function dlqReasons(s3: S3Client, bucket: string, maxKeys = 50_000): () => Promise<Record<string, number>> {
  return async () => {
    const counts: Record<string, number> = {};
    let token: string | undefined;
    let seen = 0;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: 'dlq/', ...(token ? { ContinuationToken: token } : {}) }),
      );
      for (const object of page.Contents ?? []) {
        const reason = object.Key?.split('/')[1];
        if (reason !== undefined && reason !== '') counts[reason] = (counts[reason] ?? 0) + 1;
      }
      seen += page.KeyCount ?? 0;
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined && seen < maxKeys);
    return counts;
  };
}
