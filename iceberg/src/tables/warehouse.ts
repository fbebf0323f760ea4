/**
 * Where the platform's tables live, in one place: the jobs' default warehouse bucket, the key
 * prefix of table locations inside it, and so every table's S3 location. The writer, the Athena DDL
 * and the deployment all derive locations from these, so they cannot drift apart.
 */
export const DEFAULT_WAREHOUSE_BUCKET = 'coattail-warehouse';

/** Key prefix of table locations inside the warehouse bucket (`s3://<bucket>/warehouse/<db>/<table>`). */
export const WAREHOUSE_PREFIX = 'warehouse';

/** `s3://<bucket>/warehouse`: the root of every table location. */
export function warehouseUri(bucket: string = DEFAULT_WAREHOUSE_BUCKET): string {
  return `s3://${bucket}/${WAREHOUSE_PREFIX}`;
}

/** The S3 location the writer gives a table: `s3://<bucket>/warehouse/<namespace>/<name>`. */
export function tableLocation(def: { namespace: string; name: string }, bucket?: string): string {
  return `${warehouseUri(bucket)}/${encodeURIComponent(def.namespace)}/${encodeURIComponent(def.name)}`;
}
