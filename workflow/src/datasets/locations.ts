import { isAbsolute, resolve } from 'node:path';
import { WorkflowUsageError } from '../errors.js';

/**
 * The local path of a `file://` dataset: `file:///abs/dir/` is absolute, `file://rel/dir/` is
 * relative to the pipeline file's folder (so a pipeline and its data can move together).
 */
export function localPath(uri: string, baseDir: string): string {
  if (!uri.startsWith('file://')) throw new WorkflowUsageError(`'${uri}' is not a file:// dataset`);
  const path = decodeURIComponent(uri.slice('file://'.length));
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/** Bucket and key prefix of an `s3://bucket/prefix/` dataset. */
export function s3Location(uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new WorkflowUsageError(`'${uri}' is not an s3:// dataset`);
  return { bucket: m[1] ?? '', prefix: m[2] ?? '' };
}
