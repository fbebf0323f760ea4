import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainReadFailure, openAlerts } from './alerts-source.js';

let dir: string;
let running: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coattail-alerts-source-'));
  running = join(dir, 'running');
  await mkdir(running);
  const endpoints = {
    kinesis: 'http://127.0.0.1:7001',
    dynamodb: 'http://127.0.0.1:7002',
    s3: 'http://127.0.0.1:7003',
  };
  const stack = { region: 'eu-west-1', endpoints, alertsTable: 'demo-alerts' };
  await writeFile(
    join(running, 'up.json'),
    JSON.stringify({ pid: process.pid, startedAt: '', phase: 'running', stack }),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function where(options: Parameters<typeof openAlerts>[0], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const connection = await openAlerts(options, env);
  connection.close();
  return connection.where;
}

describe('where coattail alerts reads, first match wins', () => {
  it('--endpoint, then the endpoint variables every command honours', async () => {
    const env = { COATTAIL_DYNAMODB_ENDPOINT: 'http://127.0.0.1:9100' };
    expect(await where({ stateDir: running, endpoint: 'http://127.0.0.1:9000' }, env)).toBe(
      'coattail-alerts at http://127.0.0.1:9000 (--endpoint)',
    );
    expect(await where({ stateDir: running }, env)).toBe(
      'coattail-alerts at http://127.0.0.1:9100 (from the environment)',
    );
    expect(await where({ stateDir: running }, { AWS_ENDPOINT_URL: 'http://127.0.0.1:9200' })).toMatch(/:9200/);
  });

  it('--aws, then the running npm start (its table and region), then AWS when configured', async () => {
    expect(await where({ stateDir: running, aws: true }, { AWS_REGION: 'us-west-2' })).toBe(
      'coattail-alerts at DynamoDB in us-west-2 (AWS)',
    );
    expect(await where({ stateDir: running })).toBe(
      `demo-alerts at http://127.0.0.1:7002 (the npm start running on ${running}, pid ${process.pid})`,
    );
    expect(await where({ stateDir: running, table: 'other' })).toMatch(/^other at http:\/\/127\.0\.0\.1:7002/);
    expect(await where({ stateDir: dir }, { AWS_PROFILE: 'prod', ALERTS_TABLE: 'prod-alerts' })).toBe(
      'prod-alerts at DynamoDB in the default region (AWS)',
    );
  });

  it('tells the user what to do when nothing is configured and nothing runs', async () => {
    await expect(openAlerts({ stateDir: dir }, {})).rejects.toThrow(
      /no running npm start found \(no .*up\.json\).*`npm start`.*--endpoint URL.*--aws/,
    );
  });

  it('tells the user to wait while the npm start is still starting its emulators', async () => {
    const starting = join(dir, 'starting');
    await mkdir(starting);
    await writeFile(join(starting, 'up.json'), JSON.stringify({ pid: process.pid, startedAt: '', phase: 'starting' }));
    await expect(openAlerts({ stateDir: starting }, {})).rejects.toThrow(
      `the npm start running on ${starting} (pid ${process.pid}) is starting: its emulators do not serve yet; run this again in a moment`,
    );
  });

  it('adds what it was reading to a peer failure', () => {
    const peer = Object.assign(new Error('DynamoDB Query failed after retries'), { code: 'PEER_UNAVAILABLE' });
    expect(explainReadFailure(peer, 'coattail-alerts at http://x').message).toMatch(
      /failed after retries\n {2}while reading coattail-alerts at http:\/\/x; is it running\?/,
    );
    const credentials = Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' });
    expect(explainReadFailure(credentials, 'coattail-alerts at DynamoDB').message).toMatch(/^no AWS credentials/);
  });
});
