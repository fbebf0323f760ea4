import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand, PutItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { startLocalStack } from './local-stack.js';

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('startLocalStack', () => {
  it('creates the platform streams, tables and buckets on ephemeral loopback ports and frees them on stop', async () => {
    const stack = await startLocalStack();
    const ports = Object.values(stack.endpoints).map((e) => Number(new URL(e).port));
    try {
      expect(Object.values(stack.endpoints).every((e) => e.startsWith('http://127.0.0.1:'))).toBe(true);
      expect((await stack.clients.kinesis.send(new ListStreamsCommand({}))).StreamNames).toEqual(['coattail-trades']);
      expect((await stack.clients.dynamodb.send(new ListTablesCommand({}))).TableNames).toEqual([
        'coattail-alerts',
        'coattail-leases',
      ]);
      const buckets = (await stack.clients.s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name);
      expect(buckets?.sort()).toEqual(['coattail-checkpoints', 'coattail-raw', 'coattail-warehouse']);
    } finally {
      await stack.stop();
    }
    for (const port of ports) expect(await portIsFree(port)).toBe(true);
  });

  it('keeps streams, items and objects in its data folder across restarts when asked to', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'stack-data-'));
    try {
      const first = await startLocalStack({ dataDir, streams: [{ name: 'kept', shards: 1 }], buckets: ['kept'] });
      await first.clients.dynamodb.send(
        new PutItemCommand({
          TableName: 'coattail-alerts',
          Item: { alert_id: { S: 'a1' }, symbol: { S: 'BTC' }, alert_time: { N: '1' } },
        }),
      );
      await first.clients.s3.send(new PutObjectCommand({ Bucket: 'kept', Key: 'k', Body: 'v' }));
      await first.stop();

      const second = await startLocalStack({ dataDir, streams: [{ name: 'kept', shards: 1 }], buckets: ['kept'] });
      try {
        expect((await second.clients.kinesis.send(new ListStreamsCommand({}))).StreamNames).toEqual(['kept']);
        const item = await second.clients.dynamodb.send(
          new GetItemCommand({ TableName: 'coattail-alerts', Key: { alert_id: { S: 'a1' } } }),
        );
        expect(item.Item?.symbol?.S).toBe('BTC');
        const body = await (
          await second.clients.s3.send(new GetObjectCommand({ Bucket: 'kept', Key: 'k' }))
        ).Body?.transformToString();
        expect(body).toBe('v');
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
