import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3ObjectStore } from '@coattail/connectors';
import { IcebergCatalog, LocalPointerStore, defineSchema } from '@coattail/iceberg';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../main.js';
import { lockStateDir } from '../up/up-state.js';
import { isoFromDays, isoFromMicros, readableRows } from './iceberg-cli.js';

describe('time values as a reader checks them', () => {
  it('prints microseconds as ISO 8601 with every digit, Z only with a time zone', () => {
    expect(isoFromMicros(1_634_943_660_125_123n, true)).toBe('2021-10-22T23:01:00.125123Z');
    expect(isoFromMicros(1_634_943_660_125_123n, false)).toBe('2021-10-22T23:01:00.125123');
    expect(isoFromMicros(-1n, true)).toBe('1969-12-31T23:59:59.999999Z');
    expect(isoFromDays(18_922)).toBe('2021-10-22');
  });

  it('converts the time columns only, by their SQL type', () => {
    const types = new Map([
      ['at', 'TIMESTAMP WITH TIME ZONE'],
      ['local', 'TIMESTAMP'],
      ['day', 'DATE'],
      ['n', 'BIGINT'],
    ]);
    const rows = readableRows([{ at: 0n, local: 1_000_000, day: 1, n: 5n, other: 'x', missing: null }], types);
    expect(rows).toEqual([
      {
        at: '1970-01-01T00:00:00.000000Z',
        local: '1970-01-01T00:00:01.000000',
        day: '1970-01-02',
        n: 5n,
        other: 'x',
        missing: null,
      },
    ]);
  });
});

describe('coattail iceberg query on the tables of a local run', () => {
  let stack: LocalStack;
  let dir: string;
  let state: string;
  const tables: unknown[][] = [];
  const errors: string[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'iceberg-query-'));
    state = join(dir, 'state');
    stack = await startLocalStack({ streams: [], tables: [] });
    const catalog = new IcebergCatalog({
      pointers: new LocalPointerStore(join(state, 'catalog')),
      store: new S3ObjectStore({ client: stack.clients.s3, bucket: 'coattail-warehouse' }),
      cacheDir: join(dir, 'cache'),
    });
    const schema = defineSchema([
      { name: 'symbol', type: 'string', required: true },
      { name: 'event_time', type: 'timestamptz', required: true },
    ]);
    const table = await catalog.createTable('coattail.spreads', { schema });
    await table.append([{ symbol: 'BTC-USDT', event_time: 1_634_943_660_125_123n }]);
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    tables.length = 0;
    errors.length = 0;
    process.exitCode = undefined;
  });

  const coattail = async (args: string[], s3Endpoint?: string): Promise<void> => {
    vi.stubEnv('COATTAIL_S3_ENDPOINT', s3Endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL', undefined);
    vi.stubEnv('ICEBERG_CATALOG', undefined);
    vi.spyOn(console, 'table').mockImplementation((rows: unknown) => void tables.push(rows as unknown[]));
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void errors.push(String(line)));
    await main(['node', 'coattail', 'iceberg', '--state-dir', state, ...args]);
  };

  it('without a running coattail up or an endpoint, says to start one instead of going to AWS', async () => {
    await coattail(['query', 'spreads']);
    expect(process.exitCode).toBe(1);
    expect(errors).toEqual([
      expect.stringMatching(/^coattail: no coattail up is running on .*state, and COATTAIL_S3_ENDPOINT is not set/),
    ]);
  });

  it('reads through the S3 of the coattail up running on the state directory, timestamps as ISO strings', async () => {
    const up = await lockStateDir(state);
    await up.publish({ region: stack.region, endpoints: stack.endpoints, alertsTable: 'coattail-alerts' });
    try {
      await coattail(['query', 'spreads']);
      expect(errors).toEqual([]);
      expect(tables).toEqual([[{ symbol: 'BTC-USDT', event_time: '2021-10-22T23:01:00.125123Z' }]]);
      await coattail(['query', 'spreads', 'SELECT max(event_time) AS latest, count(*) AS n FROM t']);
      expect(tables.at(-1)).toEqual([{ latest: '2021-10-22T23:01:00.125123Z', n: '1' }]);
    } finally {
      await up.release();
    }
  }, 60_000);

  it('names the command that creates a missing table, not a library call', async () => {
    await coattail(['query', 'whales'], stack.endpoints.s3);
    expect(process.exitCode).toBe(1);
    expect(errors.at(-1)).toMatch(
      /table 'coattail\.whales' does not exist in the catalog under .*catalog: the stream jobs create/,
    );
    expect(errors.join('\n')).not.toContain('catalog.createTable');
  }, 60_000);
});
