import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { silentLogger, type Logger } from '@coattail/runtime';
import { awsErrorName, isTransientAwsError, sdkAttempts } from '../aws/aws-errors.js';
import { PeerUnavailableError } from '../errors.js';
import { withRetry, type RetryOptions } from '../retry.js';
import type { ObjectInfo, ObjectStore } from './object-store.js';

/** Where an {@link S3ObjectStore} keeps its objects. */
export interface S3ObjectStoreOptions {
  client: S3Client;
  bucket: string;
  /** Prefix under which every key lives (no leading slash); keys are relative to it. @default '' */
  prefix?: string;
  /**
   * Retries of a transient failure (throttling, 5xx, S3 unreachable), on top of the SDK's own.
   * @default { attempts: 10, baseMs: 100, maxMs: 5_000 } — rides out about 20 s of an S3 outage
   */
  retry?: Omit<RetryOptions, 'retryable'>;
  /** Keys per ListObjects page. @default 1000 */
  listPageSize?: number;
  logger?: Logger;
}

/**
 * An {@link ObjectStore} (and therefore a runtime `CheckpointStore`) on S3 or s3rver. A PutObject
 * is atomic in S3, which gives the checkpoint's "manifest written last" its meaning: a reader sees
 * a whole manifest or none.
 *
 * @example
 * const store = new S3ObjectStore({ client: createS3Client(), bucket: 'coattail-checkpoints', prefix: 'prod' });
 * await env.execute({ jobId: 'whales', checkpointStore: store });
 */
export class S3ObjectStore implements ObjectStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #retry: Omit<RetryOptions, 'retryable'>;
  readonly #log: Logger;
  readonly #pageSize: number;

  constructor(options: S3ObjectStoreOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.#prefix = prefix === '' ? '' : `${prefix}/`;
    this.#retry = { attempts: 10, baseMs: 100, maxMs: 5_000, ...options.retry };
    this.#pageSize = options.listPageSize ?? 1000;
    this.#log = (options.logger ?? silentLogger).child({ component: 's3-object-store', bucket: options.bucket });
  }

  get location(): string {
    return `s3://${this.#bucket}/${this.#prefix}`;
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    await this.#call('PutObject', () =>
      this.#client.send(new PutObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key, Body: body })),
    );
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.#call('GetObject', async () => {
      try {
        const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key }));
        return out.Body === undefined ? new Uint8Array() : await out.Body.transformToByteArray();
      } catch (error) {
        if (awsErrorName(error) === 'NoSuchKey' || awsErrorName(error) === 'NotFound') return undefined;
        throw error;
      }
    });
  }

  async list(prefix: string): Promise<string[]> {
    return (await this.listDetailed(prefix)).map((o) => o.key);
  }

  async listDetailed(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    // ListObjects (v1) paged by Marker = the last key seen: S3 serves it like v2, while s3rver's
    // v2 continuation tokens are DES-encrypted, which OpenSSL 3 (Node >= 17) no longer offers.
    let after: string | undefined;
    for (;;) {
      const page = await this.#call('ListObjects', () =>
        this.#client.send(
          new ListObjectsCommand({
            Bucket: this.#bucket,
            Prefix: this.#prefix + prefix,
            Marker: after,
            MaxKeys: this.#pageSize,
          }),
        ),
      );
      const contents = page.Contents ?? [];
      for (const o of contents)
        if (o.Key !== undefined)
          out.push({
            key: o.Key.slice(this.#prefix.length),
            lastModifiedMs: o.LastModified?.getTime(),
            sizeBytes: o.Size ?? 0,
          });
      after = contents.at(-1)?.Key;
      if (page.IsTruncated !== true || after === undefined) break;
    }
    return out;
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000).map((k) => ({ Key: this.#prefix + k }));
      await this.#call('DeleteObjects', () =>
        this.#client.send(new DeleteObjectsCommand({ Bucket: this.#bucket, Delete: { Objects: chunk, Quiet: true } })),
      );
    }
  }

  async #call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(fn, {
        ...this.#retry,
        retryable: isTransientAwsError,
        attemptsUsed: sdkAttempts,
        onRetry: (error, attempt, delayMs) =>
          this.#log.warn({ operation, attempt, delayMs, err: error }, 'S3 call failed; retrying'),
      });
    } catch (error) {
      throw isTransientAwsError(error) ? new PeerUnavailableError(`S3 (${this.location})`, operation, error) : error;
    }
  }
}
