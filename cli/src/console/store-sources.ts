import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { alertsSource, dlqReasons, fileQualityScores, icebergTables, type ConsoleSources } from '@coattail/console';
import { AlertsClient } from '@coattail/connectors';
import type { Table, TableName } from '@coattail/iceberg';
import type { Logger } from '@coattail/runtime';
import type { JobConfig } from '@coattail/stream-jobs';

/** Where the platform keeps what the console shows. */
export interface PlatformStores {
  dynamodb: DynamoDBClient;
  s3: S3Client;
  config: Pick<JobConfig, 'ALERTS_TABLE' | 'RAW_BUCKET'>;
  /** Opens one of the platform's Iceberg tables; undefined when it does not exist (yet). */
  openTable: (name: TableName) => Promise<Table | undefined>;
  /** Postgres with the file-quality `reporting.*` tables. @default none (the page says it is not configured) */
  databaseUrl?: string;
  logger: Logger;
}

/** The console's sources over the platform's stores, and what closes them. */
export interface StoreSources {
  sources: Pick<ConsoleSources, 'alerts' | 'tables' | 'dlq' | 'fileQuality'>;
  /** Closes the file-quality connection, if any (the clients belong to the caller). */
  close(): Promise<void>;
}

/**
 * The alerts table, the Iceberg tables, the raw bucket's DLQ and the file-quality scores, as both
 * `coattail console` (any endpoints) and `coattail up` (its own stack) show them.
 */
export function storeSources(stores: PlatformStores): StoreSources {
  const fileQuality = stores.databaseUrl !== undefined ? fileQualityScores(stores.databaseUrl) : undefined;
  return {
    sources: {
      alerts: alertsSource(
        new AlertsClient({ client: stores.dynamodb, tableName: stores.config.ALERTS_TABLE, logger: stores.logger }),
      ),
      tables: icebergTables(stores.openTable),
      dlq: dlqReasons(stores.s3, stores.config.RAW_BUCKET),
      ...(fileQuality ? { fileQuality: () => fileQuality.read() } : {}),
    },
    close: async () => {
      await fileQuality?.close();
    },
  };
}
