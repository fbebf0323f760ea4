import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { awsErrorName, isTransientAwsError, type ObjectStore } from '@coattail/connectors';
import { FileQualityError } from '../errors.js';

/** What a download learned about the object. */
export interface FetchedObject {
  readonly size: number;
  readonly lastModified?: Date;
  readonly contentType?: string;
}

/**
 * Copies one object to a local file. The service hands the file to DuckDB, so objects larger than
 * memory stream to disk and never sit in a buffer.
 */
export interface ObjectFetcher {
  download(bucket: string, key: string, destination: string): Promise<FetchedObject>;
}

/**
 * Downloads from S3 (or s3rver) with GetObject, streaming the body to disk.
 *
 * @example
 * const fetcher = s3ObjectFetcher(createS3Client({ endpoint: process.env.S3_ENDPOINT }));
 */
export function s3ObjectFetcher(client: S3Client): ObjectFetcher {
  return {
    async download(bucket, key, destination) {
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (response.Body === undefined) throw new Error('GetObject returned no body');
        await mkdir(dirname(destination), { recursive: true });
        await pipeline(response.Body as Readable, createWriteStream(destination));
        return {
          size: response.ContentLength ?? 0,
          ...(response.LastModified === undefined ? {} : { lastModified: response.LastModified }),
          ...(response.ContentType === undefined ? {} : { contentType: response.ContentType }),
        };
      } catch (error) {
        const name = awsErrorName(error);
        const missing = name === 'NoSuchKey' || name === 'NoSuchBucket' || name === 'NotFound';
        throw new FileQualityError(
          'OBJECT_UNAVAILABLE',
          `cannot download s3://${bucket}/${key}: ${name ?? (error as Error).message}`,
          {
            domain: missing ? 'user' : 'external',
            retryable: !missing && (isTransientAwsError(error) || name === undefined),
            cause: error,
          },
        );
      }
    },
  };
}

/**
 * Downloads from {@link ObjectStore}s by bucket name (whole objects in memory: for tests and
 * small files, e.g. a `LocalObjectStore` standing in for a bucket).
 */
export function objectStoreFetcher(stores: Readonly<Record<string, ObjectStore>>): ObjectFetcher {
  return {
    async download(bucket, key, destination) {
      const store = stores[bucket];
      const body = store === undefined ? undefined : await store.get(key);
      if (body === undefined)
        throw new FileQualityError('OBJECT_UNAVAILABLE', `cannot download ${bucket}/${key}: no such object`, {
          domain: 'user',
        });
      await mkdir(dirname(destination), { recursive: true });
      await writeFile(destination, body);
      return { size: body.byteLength };
    },
  };
}
