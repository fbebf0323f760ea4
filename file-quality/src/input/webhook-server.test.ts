import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileQualityError } from '../errors.js';
import type { ProcessResult } from '../processor.js';
import type { ObjectEvent } from './s3-events.js';
import { startWebhookServer, type WebhookServer } from './webhook-server.js';

// The processor is a stand-in here: the webhook's job is HTTP framing and status codes; the
// processing itself is tested end to end (processor.test.ts) against Postgres and s3rver.
const processor = {
  process(event: ObjectEvent): Promise<ProcessResult> {
    if (event.key.startsWith('retry'))
      return Promise.reject(new FileQualityError('DATABASE_FAILED', 'down', { retryable: true }));
    return Promise.resolve({
      status: 'skipped',
      bucket: event.bucket,
      key: event.key,
      reason: 'key_unmatched',
      message: 'no pattern',
    });
  },
};

let server: WebhookServer;
beforeAll(async () => {
  server = await startWebhookServer({ processor, port: 0, maxBodyBytes: 1000 });
});
afterAll(async () => {
  await server.close();
});

const post = (body: string) =>
  fetch(`${server.url}/events`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

describe('file-quality webhook', () => {
  it('answers 200 with each outcome for an S3 notification', async () => {
    const response = await post(
      JSON.stringify({
        Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'x.csv' } } }],
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      skipped: 1,
      failed: 0,
      outcomes: [{ status: 'skipped', key: 'x.csv' }],
    });
  });

  it('answers 400 for a body that is not an S3 event, and for one too large', async () => {
    expect((await post('{"hello": 1}')).status).toBe(400);
    expect((await post(JSON.stringify({ bucket: 'b', key: 'x'.repeat(2000) }))).status).toBe(400);
  });

  it('answers 503 when an event failed retryably, so the sender retries', async () => {
    const response = await post(JSON.stringify({ bucket: 'b', key: 'retry.csv' }));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      failed: 1,
      outcomes: [{ status: 'failed', retryable: true, error: 'down' }],
    });
  });

  it('serves a health check and 404 elsewhere', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/other`)).status).toBe(404);
  });
});
