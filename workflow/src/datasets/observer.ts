import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import type { IcebergCatalog } from '@coattail/iceberg';
import { WorkflowUsageError } from '../errors.js';
import type { IcebergObservation } from '../incremental/iceberg.js';
import type { ObjectInfo } from '../incremental/objects.js';
import type { InputObserver } from '../incremental/tracker.js';
import { hashLocalContent, listLocalObjects } from './local-listing.js';
import { localPath, s3Location } from './locations.js';

/** What the platform observer needs: a folder for relative paths, and the peers it may look at. */
export interface PlatformObserverOptions {
  baseDir: string;
  /** For `s3://` inputs. */
  s3?: S3Client;
  /** For `iceberg://` inputs. */
  catalog?: IcebergCatalog;
}

async function listS3(client: S3Client, uri: string): Promise<ObjectInfo[]> {
  const { bucket, prefix } = s3Location(uri);
  const out: ObjectInfo[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? [])
      if (o.Key !== undefined)
        out.push({ key: o.Key.slice(prefix.length), size: o.Size ?? 0, etag: (o.ETag ?? '').replaceAll('"', '') });
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return out;
}

async function icebergObservation(catalog: IcebergCatalog, uri: string): Promise<IcebergObservation> {
  const table = await catalog.loadTable(uri.slice('iceberg://'.length));
  const snapshots = table.snapshots().map((s) => ({
    id: String(s['snapshot-id']),
    ...(s['parent-snapshot-id'] === undefined ? {} : { parentId: String(s['parent-snapshot-id']) }),
    operation: s.summary.operation ?? 'append',
  }));
  const current = table.currentSnapshot();
  const files = async (id: string | undefined): Promise<Set<string>> =>
    id === undefined
      ? new Set()
      : new Set((await table.scan({ snapshotId: BigInt(id) }).planFiles()).map((t) => t.file.filePath));
  return {
    ...(current ? { currentSnapshotId: String(current['snapshot-id']) } : {}),
    snapshots,
    // An append's new files are those it has and its parent had not.
    filesAddedBy: async (ids) => {
      const out: string[] = [];
      for (const id of ids) {
        const parent = snapshots.find((s) => s.id === id)?.parentId;
        const [mine, before] = await Promise.all([files(id), files(parent)]);
        for (const f of mine) if (!before.has(f)) out.push(f);
      }
      return out;
    },
  };
}

async function maxOfFiles(path: string, column: string): Promise<string | number | undefined> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const glob = path.endsWith('/') ? `${path}**/*.parquet` : path;
    const reader = await connection.runAndReadAll(
      `SELECT max("${column.replaceAll('"', '""')}")::VARCHAR AS m, typeof(max("${column.replaceAll('"', '""')}")) AS t FROM read_parquet('${glob.replaceAll("'", "''")}')`,
    );
    const row = reader.getRowObjectsJson()[0];
    const m = row?.m;
    if (typeof m !== 'string') return undefined;
    return /INT|DOUBLE|FLOAT|DECIMAL/.test(typeof row?.t === 'string' ? row.t : '') ? Number(m) : m;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * The platform's {@link InputObserver}: local folders and S3 prefixes are listed, Iceberg tables
 * are read from their snapshot history, high-water marks come from DuckDB over Parquet, content
 * hashes from the bytes. A dataset kind it cannot look at is refused with the reason.
 */
export function platformObserver(options: PlatformObserverOptions): InputObserver {
  const need = <T>(value: T | undefined, what: string, uri: string): T => {
    if (value === undefined) throw new WorkflowUsageError(`cannot look at ${uri}: no ${what} configured`);
    return value;
  };
  return {
    listObjects: async (uri, previous) =>
      uri.startsWith('s3://')
        ? listS3(need(options.s3, 'S3 client', uri), uri)
        : listLocalObjects(localPath(uri, options.baseDir), previous),
    icebergSnapshots: async (uri) => icebergObservation(need(options.catalog, 'Iceberg catalog', uri), uri),
    maxValue: (uri, column) => maxOfFiles(localPath(uri, options.baseDir), column),
    contentHash: (uri) => hashLocalContent(localPath(uri, options.baseDir)),
  };
}
