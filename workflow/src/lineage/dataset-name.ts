import { LineageError } from './errors.js';

/** A dataset as OpenLineage names it: a namespace (where) and a name (what, inside it). */
export interface DatasetId {
  readonly namespace: string;
  readonly name: string;
}

/**
 * Maps the pipeline's dataset URIs to OpenLineage dataset ids, following the OpenLineage naming
 * conventions so a backend joins them with other producers' events:
 * `s3://bucket/prefix/` → (`s3://bucket`, `prefix`); `file:///data/x.parquet` → (`file`, `/data/x.parquet`);
 * `postgres://host:5432/db/reporting.x` → (`postgres://host:5432`, `db.reporting.x`);
 * `iceberg://coattail.raw_trades` → (`iceberg`, `coattail.raw_trades`).
 */
export function datasetId(uri: string): DatasetId {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/.exec(uri);
  if (match === null)
    throw new LineageError(
      `dataset '${uri}' is not a URI: write it as iceberg://ns.table, s3://bucket/key, file:///path or postgres://host/db/schema.table`,
    );
  const scheme = match[1]!;
  const rest = match[2]!;
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash + 1);
  switch (scheme) {
    case 'iceberg':
      return { namespace: 'iceberg', name: rest };
    case 'file':
      return { namespace: 'file', name: `/${path}` };
    case 'postgres':
    case 'postgresql':
      return { namespace: `postgres://${authority}`, name: path.replaceAll('/', '.') };
    default:
      return { namespace: `${scheme}://${authority}`, name: path === '' ? '/' : path };
  }
}

/** The key the lineage index files a dataset under. */
export function datasetKey(id: DatasetId): string {
  return `${id.namespace}/${id.name}`;
}
