import { createHash } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ObjectStore } from '@coattail/connectors';
import { IcebergError, IcebergUsageError } from '../errors.js';

/** A path prefix rewrite: metadata paths starting with `from` are read at `to` + the rest. */
export interface PathMapping {
  from: string;
  to: string;
}

/** Options of {@link FileIO}. */
export interface FileIOOptions {
  /** Where remote data files are cached for DuckDB. @default `<os tmpdir>/coattail-iceberg-cache` */
  cacheDir?: string;
  /**
   * Prefix rewrites applied to every path a table's metadata holds before it is looked up in the
   * store, for tables whose files were copied to another bucket or folder (their metadata still
   * names the old root). The longest matching `from` wins; new files are written under the
   * table's recorded location, mapped the same way.
   * @example [{ from: 's3://old-bucket/warehouse/', to: 's3://new-bucket/warehouse/' }]
   * @default []
   */
  pathMap?: readonly PathMapping[];
  /**
   * The table location (as its metadata records it) relative paths are resolved against; set by
   * the catalog per table. @default the store's root
   */
  tableLocation?: string;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Maps the full URIs Iceberg metadata must hold (`s3://bucket/prefix/...`, `file:///...`) onto
 * keys of one {@link ObjectStore}, and gives DuckDB a local path for a data file (the file itself
 * for a local store, a cached download otherwise).
 */
export class FileIO {
  private readonly base: string;
  private readonly cacheDir: string;
  private readonly pathMap: readonly PathMapping[];
  private readonly options: FileIOOptions;

  constructor(
    readonly store: ObjectStore,
    /** The cache folder (see {@link FileIOOptions.cacheDir}), or options. */
    options: string | FileIOOptions = {},
  ) {
    const opts = typeof options === 'string' ? { cacheDir: options } : options;
    this.base = store.location.replace(/\/+$/, '');
    this.cacheDir = opts.cacheDir ?? join(tmpdir(), 'coattail-iceberg-cache');
    this.pathMap = [...(opts.pathMap ?? [])].sort((a, b) => b.from.length - a.from.length);
    this.options = opts;
  }

  /** The same store and options, resolving relative paths against a table's location. */
  forTable(tableLocation: string): FileIO {
    return new FileIO(this.store, { ...this.options, tableLocation });
  }

  /**
   * The absolute URI a path recorded in metadata stands for: `pathMap` applied; `file:/x`
   * (Hadoop's spelling) and bare absolute paths as `file:///x`; relative paths resolved against
   * the table location — or against the store root when they start with a relative table
   * location, as paths of tables created with a relative location do.
   */
  resolve(path: string): string {
    const uri = this.mapped(path);
    if (SCHEME.test(uri)) return uri;
    const table = this.options.tableLocation?.replace(/\/+$/, '');
    if (table === undefined || uri.startsWith(`${table}/`)) return `${this.base}/${uri}`;
    const root = this.mapped(table);
    return `${SCHEME.test(root) ? root : `${this.base}/${root}`}/${uri}`;
  }

  private mapped(path: string): string {
    const mapping = this.pathMap.find((m) => path.startsWith(m.from));
    const uri = mapping ? `${mapping.to}${path.slice(mapping.from.length)}` : path;
    if (/^file:\/(?!\/)/.test(uri)) return `file://${uri.slice(5)}`;
    return uri.startsWith('/') ? `file://${uri}` : uri;
  }

  /** The URI of a store key. */
  uri(key: string): string {
    return `${this.base}/${key}`;
  }

  /** The store key of a path (see {@link resolve}); throws a usage error for other locations. */
  key(path: string): string {
    const uri = this.resolve(path);
    if (!uri.startsWith(`${this.base}/`))
      throw new IcebergUsageError(
        `'${path}'${uri === path ? '' : ` (read as '${uri}')`} is not under the table's object store ${this.base}; ` +
          `if the table was copied from there, open the catalog with pathMap: [{ from: '<old root>/', to: '${this.base}/' }]`,
      );
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
