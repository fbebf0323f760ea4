import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKinesisClient, LOCAL_CREDENTIALS } from './aws-clients.js';

afterEach(() => vi.unstubAllEnvs());

describe('createKinesisClient', () => {
  it('without an endpoint override talks to real AWS: regional endpoint, default credential chain, HTTP/1.1 handler', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIA-FROM-ENV');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret-from-env');
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    const client = createKinesisClient();
    expect(client.config.endpoint).toBeUndefined();
    expect(await client.config.region()).toBe('eu-west-1');
    expect(client.config.endpointProvider({ Region: 'eu-west-1' }).url.href).toBe(
      'https://kinesis.eu-west-1.amazonaws.com/',
    );
    // The Kinesis client would default to HTTP/2; we always hand it the HTTP/1.1 handler.
    expect(client.config.requestHandler).toBeInstanceOf(NodeHttpHandler);
    const credentials = await client.config.credentials();
    expect(credentials).toMatchObject({ accessKeyId: 'AKIA-FROM-ENV', secretAccessKey: 'secret-from-env' });
    expect(credentials.accessKeyId).not.toBe(LOCAL_CREDENTIALS.accessKeyId);
  });

  it('with an endpoint override talks to it with the local key pair', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIA-FROM-ENV');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret-from-env');
    const client = createKinesisClient({ endpoint: 'http://127.0.0.1:4567', region: 'us-east-1' });
    expect(await client.config.endpoint?.()).toMatchObject({ protocol: 'http:', hostname: '127.0.0.1', port: 4567 });
    expect(client.config.requestHandler).toBeInstanceOf(NodeHttpHandler);
    expect(await client.config.credentials()).toMatchObject(LOCAL_CREDENTIALS);
  });
});
