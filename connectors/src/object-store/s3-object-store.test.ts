import { describeCheckpointStoreContract } from '@coattail/runtime/testing';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../aws/aws-clients.js';
import { PeerUnavailableError } from '../errors.js';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { S3ObjectStore } from './s3-object-store.js';

let stack: LocalStack;
let n = 0;

beforeAll(async () => {
  stack = await startLocalStack({ streams: [], tables: [], buckets: ['store'] });
});
afterAll(() => stack.stop());

describeCheckpointStoreContract(
  'S3ObjectStore on s3rver',
  () => new S3ObjectStore({ client: stack.clients.s3, bucket: 'store', prefix: `contract-${n++}` }),
  { describe, it },
);

describe('S3ObjectStore', () => {
  it('describes itself as an s3 URL of its bucket and prefix', () => {
    expect(new S3ObjectStore({ client: stack.clients.s3, bucket: 'b', prefix: '/p/q/' }).location).toBe('s3://b/p/q/');
  });

  it('lists every key across pages', async () => {
    const store = new S3ObjectStore({ client: stack.clients.s3, bucket: 'store', prefix: 'many', listPageSize: 10 });
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => store.put(`k/${String(i).padStart(4, '0')}`, new Uint8Array([1]))),
    );
    expect((await store.list('k/')).length).toBe(25);
  });

  it('lists each object with its last-modified time and size, across pages', async () => {
    const store = new S3ObjectStore({ client: stack.clients.s3, bucket: 'store', prefix: 'detailed', listPageSize: 2 });
    const before = Date.now() - 60_000;
    await Promise.all(['a', 'b', 'c'].map((k, i) => store.put(`d/${k}`, new Uint8Array(i + 1))));
    const infos = (await store.listDetailed('d/')).sort((x, y) => x.key.localeCompare(y.key));
    expect(infos.map((o) => [o.key, o.sizeBytes])).toEqual([
      ['d/a', 1],
      ['d/b', 2],
      ['d/c', 3],
    ]);
    for (const o of infos) expect(o.lastModifiedMs).toBeGreaterThan(before);
  });

  it('rides out S3 being down for a few seconds: the write completes once it is back', async () => {
    const store = new S3ObjectStore({
      client: stack.clients.s3,
      bucket: 'store',
      prefix: 'restart',
      retry: { baseMs: 100, maxMs: 500, attempts: 40 },
    });
    await store.put('before', Buffer.from('1'));
    await stack.stopS3();
    const write = store.put('during', Buffer.from('2'));
    await new Promise((r) => setTimeout(r, 1_500));
    await stack.startS3();
    await write;
    expect(Buffer.from((await store.get('during'))!).toString()).toBe('2');
    expect(Buffer.from((await store.get('before'))!).toString()).toBe('1');
  });

  it('fails with a retryable PeerUnavailableError when S3 stays unreachable', async () => {
    const client = createS3Client({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    const store = new S3ObjectStore({ client, bucket: 'store', retry: { attempts: 2, baseMs: 1 } });
    const error = await store.get('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeerUnavailableError);
    expect((error as PeerUnavailableError).retryable).toBe(true);
    client.destroy();
  });

  it("counts the SDK's own retries against its budget: a failing S3 sees the budget in requests, not budget × SDK attempts", async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.writeHead(503, { 'content-type': 'application/xml' });
      res.end('<Error><Code>ServiceUnavailable</Code><Message>down</Message></Error>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = createS3Client({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 3 });
    const store = new S3ObjectStore({ client, bucket: 'store', retry: { attempts: 6, baseMs: 1, maxMs: 2 } });
    try {
      await expect(store.get('x')).rejects.toBeInstanceOf(PeerUnavailableError);
      // Two SDK calls of 3 attempts each use the budget of 6; wrapping blindly would make 18 requests.
      expect(requests).toBe(6);
    } finally {
      client.destroy();
      server.close();
    }
  });
});
