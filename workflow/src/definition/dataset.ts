/** The kinds of dataset a stage can read or write, named by URI scheme. */
export type DatasetScheme = 'iceberg' | 's3' | 'file' | 'postgres' | 'https';

/**
 * A dataset named in a pipeline: `iceberg://coattail.raw_trades`, `s3://bucket/prefix/`,
 * `file:///data/in/` (or `file://relative/dir`), `postgres://host/db/reporting.file_scores`, or an
 * HTTP API a stage reads from, `https://api.binance.com/api/v3/aggTrades` (an input, for lineage).
 * `namespace` + `name` follow OpenLineage's dataset naming so lineage and definitions agree.
 */
export interface DatasetRef {
  uri: string;
  scheme: DatasetScheme;
  /** OpenLineage namespace: `iceberg`, `s3://bucket`, `file`, `postgres://host:port`. */
  namespace: string;
  /** OpenLineage name: `coattail.raw_trades`, `prefix/`, `/data/in/`, `db.reporting.file_scores`. */
  name: string;
}

const PATTERNS: Record<DatasetScheme, RegExp> = {
  iceberg: /^iceberg:\/\/([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+)$/,
  s3: /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.*)$/,
  file: /^file:\/\/(.+)$/,
  postgres: /^postgres(?:ql)?:\/\/([^/]+)\/([^/]+)\/([A-Za-z_]\w*\.[A-Za-z_]\w*)$/,
  https: /^https?:\/\/([^/?#]+)(\/[^?#]*)?$/,
};

/** Parses a dataset URI, or returns a sentence saying what a valid one looks like. */
export function parseDataset(uri: string): DatasetRef | string {
  const scheme = /^([a-z0-9]+):\/\//.exec(uri)?.[1] ?? '';
  switch (scheme) {
    case 'iceberg': {
      const m = PATTERNS.iceberg.exec(uri);
      return m
        ? { uri, scheme, namespace: 'iceberg', name: m[1] ?? '' }
        : `'${uri}' is not an Iceberg table (write iceberg://namespace.table)`;
    }
    case 's3': {
      const m = PATTERNS.s3.exec(uri);
      return m
        ? { uri, scheme, namespace: `s3://${m[1]}`, name: m[2] ?? '' }
        : `'${uri}' is not an S3 location (write s3://bucket/prefix/)`;
    }
    case 'file': {
      const m = PATTERNS.file.exec(uri);
      return m
        ? { uri, scheme, namespace: 'file', name: m[1] ?? '' }
        : `'${uri}' is not a file location (write file:///abs/path or file://relative/path)`;
    }
    case 'postgres':
    case 'postgresql': {
      const m = PATTERNS.postgres.exec(uri);
      return m
        ? { uri, scheme: 'postgres', namespace: `postgres://${m[1]}`, name: `${m[2]}.${m[3]}` }
        : `'${uri}' is not a PostgreSQL table (write postgres://host:port/database/schema.table)`;
    }
    case 'http':
    case 'https': {
      const m = PATTERNS.https.exec(uri);
      return m
        ? { uri, scheme: 'https', namespace: `${scheme}://${m[1]}`, name: m[2] ?? '/' }
        : `'${uri}' is not an HTTP API endpoint (write https://host/path, without a query)`;
    }
    default:
      return `'${uri}' has no known dataset scheme (use iceberg://, s3://, file://, postgres:// or https://)`;
  }
}

/** Parses a dataset URI and throws the reason when it is not one. */
export function datasetOf(uri: string): DatasetRef {
  const parsed = parseDataset(uri);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}
