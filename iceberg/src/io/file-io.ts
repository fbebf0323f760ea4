import { createHash } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ObjectStore } from '@coattail/connectors';
import { IcebergError, IcebergUsageError } from '../errors.js';

/**
 * Maps the full URIs Iceberg metadata must hold (`s3://bucket/prefix/...`, `file:///...`) onto
 * keys of one {@link ObjectStore}, and gives DuckDB a local path for a data file (the file itself
 * for a local store, a cached download otherwise).
 */
export class FileIO {
  private readonly base: string;

  constructor(
    readonly store: ObjectStore,
    /** Where remote data files are cached for DuckDB. @default `<os tmpdir>/coattail-iceberg-cache` */
    private readonly cacheDir: string = join(tmpdir(), 'coattail-iceberg-cache'),
  ) {
    this.base = store.location.replace(/\/+$/, '');
  }

  /** The URI of a store key. */
  uri(key: string): string {
    return `${this.base}/${key}`;
  }

  /** The store key of a URI under this store; throws a usage error for other locations. */
  key(uri: string): string {
    if (!uri.startsWith(`${this.base}/`))
      throw new IcebergUsageError(`'${uri}' is not under the table's object store ${this.base}`);
    return uri.slice(this.base.length + 1);
  }

  async read(uri: string): Promise<Uint8Array> {
    const bytes = await this.store.get(this.key(uri));
    if (!bytes)
      throw new IcebergError('FILE_MISSING', `'${uri}' does not exist; the table references a file that was deleted`, {
        domain: 'external',
      });
    return bytes;
  }

  /** Reads a file, or undefined when it does not exist. */
  async readIfExists(uri: string): Promise<Uint8Array | undefined> {
    return this.store.get(this.key(uri));
  }

  async write(uri: string, bytes: Uint8Array): Promise<void> {
    await this.store.put(this.key(uri), bytes);
  }

  async delete(uris: readonly string[]): Promise<void> {
    if (uris.length > 0) await this.store.delete(uris.map((u) => this.key(u)));
  }

  /** URIs of every object under a URI prefix. */
  async list(prefixUri: string): Promise<string[]> {
    const keys = await this.store.list(this.key(prefixUri.endsWith('/') ? prefixUri : `${prefixUri}/`));
    return keys.map((k) => this.uri(k));
  }

  /** Last-modified time of a file of a local store; undefined when the store cannot tell (S3 through `ObjectStore`). */
  async lastModified(uri: string): Promise<number | undefined> {
    if (!this.base.startsWith('file:')) return undefined;
    return stat(join(fileURLToPath(this.base), this.key(uri))).then(
      (s) => s.mtimeMs,
      () => undefined,
    );
  }

  /** A local filesystem path DuckDB can open for this URI. */
  async localPath(uri: string): Promise<string> {
    if (this.base.startsWith('file:')) return join(fileURLToPath(this.base), this.key(uri));
    const path = join(this.cacheDir, `${createHash('sha256').update(uri).digest('hex').slice(0, 32)}.parquet`);
    try {
      await stat(path);
      return path; // data files are immutable, so a cached copy never goes stale
    } catch {
      await mkdir(this.cacheDir, { recursive: true });
      await writeFile(path, await this.read(uri));
      return path;
    }
  }
}
