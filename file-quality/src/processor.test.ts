import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { InMemoryMetrics } from '@coattail/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './db/database.js';
import { migrateReporting } from './db/migrate.js';
import { createTestDatabase, type TestDatabase } from './db/test-database.js';
import { s3ObjectFetcher } from './input/object-fetcher.js';
import { replayEventsFile } from './input/replay.js';
import { startWebhookServer } from './input/webhook-server.js';
import { loadFileQualityConfig } from './config.js';
import { FileQualityProcessor } from './processor.js';
import { createFileQualityService } from './service.js';

// End to end against the real peers: PostgreSQL on 127.0.0.1:5432 (a fresh database per run)
// and s3rver (the local S3 of @coattail/connectors).
const BUCKET = 'dq-landing';
const TRADES_KEY = 'agency/tenant-a/files/trades/2026-01-04/12/data.csv';
const TRADES_CSV = [
  'trade_id,price,side,traded_at',
  ...Array.from(
    { length: 97 },
    (_, i) => `${i + 1},${10 + i},${i % 2 === 0 ? 'buy' : 'sell'},2026-01-04T12:${String(i % 60).padStart(2, '0')}:00Z`,
  ),
  '98,,buy,2026-01-04T12:00:00Z',
  '98,5,sell,2026-01-04T12:00:00Z',
  '99,2000,hold,2026-01-04T12:00:00Z',
  '',
].join('\n');
const definition = {
  columns: [
    { name: 'trade_id', type: 'integer', required: true, unique: true },
    { name: 'price', type: 'number', required: true, min: 0, max: 1000 },
    { name: 'side', type: 'string', allowedValues: ['buy', 'sell'] },
    { name: 'traded_at', type: 'timestamp', required: true },
  ],
};

let pg: TestDatabase;
let db: Database;
let stack: LocalStack;
let dir: string;
const metrics = new InMemoryMetrics();
const emf: string[] = [];

function processor(extra: Partial<ConstructorParameters<typeof FileQualityProcessor>[0]> = {}): FileQualityProcessor {
  return new FileQualityProcessor({
    db,
    fetcher: s3ObjectFetcher(stack.clients.s3),
    workDir: dir,
    metrics,
    emitEmf: (l) => emf.push(l),
    duckThreads: 1,
    ...extra,
  });
}

async function put(key: string, body: string | Uint8Array): Promise<void> {
  await stack.clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

async function count(table: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM reporting.${table}`);
  return Number(rows[0]?.n);
}

beforeAll(async () => {
  [pg, stack, dir] = await Promise.all([
    createTestDatabase(),
    startLocalStack({ streams: [], tables: [], buckets: [BUCKET] }),
    mkdtemp(join(tmpdir(), 'dq-e2e-')),
  ]);
  db = pg.db;
  await migrateReporting(db);
  const def = await db.query<{ id: number }>(
    `INSERT INTO reporting.monitoring_file_schema_definition (name, definition) VALUES ('trades v1', $1::jsonb) RETURNING id`,
    [JSON.stringify(definition)],
  );
  await db.query(
    `INSERT INTO reporting.monitoring_file (agency_slug, file_name, schema_definition_id) VALUES ('tenant-a', 'trades', $1)`,
    [def.rows[0]!.id],
  );
  await put(TRADES_KEY, TRADES_CSV);
  await put(
    'agency/tenant-b/files/quotes/2026-01-04/13/part 1.jsonl',
    '{"bid": 1.5, "ask": 1.6}\n{"bid": 1.4, "ask": null}\n',
  );
  await put('agency/tenant-a/files/positions/2026-01-04/14/positions.parquet', 'PAR1 not really parquet');
  await put('elsewhere/readme.csv', 'a\n1\n');
}, 60_000);

afterAll(async () => {
  await Promise.all([
    pg?.drop(),
    stack?.stop(),
    dir === undefined ? undefined : rm(dir, { recursive: true, force: true }),
  ]);
});

describe('file data-quality service, end to end', () => {
  it('replays an events file (real S3 notification and simplified shapes) into every reporting table', async () => {
    const events = {
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          eventTime: '2026-01-04T12:40:00Z',
          s3: {
            bucket: { name: BUCKET },
            object: { key: 'agency/tenant-b/files/quotes/2026-01-04/13/part+1.jsonl', size: 50 },
          },
        },
        { eventName: 'ObjectRemoved:Delete', s3: { bucket: { name: BUCKET }, object: { key: TRADES_KEY } } },
      ],
    };
    const lines = [
      JSON.stringify({
        bucket: BUCKET,
        key: TRADES_KEY,
        last_modified: '2026-01-04T12:34:56Z',
        size: TRADES_CSV.length,
      }),
      JSON.stringify(events),
      JSON.stringify({ bucket: BUCKET, key: 'agency/tenant-a/files/positions/2026-01-04/14/positions.parquet' }),
      JSON.stringify({ bucket: BUCKET, key: 'elsewhere/readme.csv' }),
    ];
    const file = join(dir, 'events.jsonl');
    await writeFile(file, lines.join('\n'));
    const p = processor();
    const summary = await replayEventsFile(file, p);
    await p.close();
    expect(summary).toMatchObject({ scored: 2, parseFailed: 1, skipped: 1, failed: 0 });

    // monitoring_file: the defined one, plus two auto-created
    const files = await db.query<{ agency_slug: string; file_name: string; latest_data_quality_score: number | null }>(
      `SELECT agency_slug, file_name, latest_data_quality_score FROM reporting.monitoring_file ORDER BY id`,
    );
    expect(files.rows.map((r) => `${r.agency_slug}/${r.file_name}`)).toEqual([
      'tenant-a/trades',
      'tenant-b/quotes',
      'tenant-a/positions',
    ]);

    // the trades run: window from last_modified, range from the key
    const runs = await db.query<Record<string, unknown>>(
      `SELECT f.file_name, r.run_date::text AS run_date, r.run_hour, r.file_size::int AS file_size, r.file_last_modified, r.file_range_lower_limit
       FROM reporting.monitoring_file_run r JOIN reporting.monitoring_file f ON f.id = r.monitoring_file_id ORDER BY r.id`,
    );
    expect(runs.rows[0]).toMatchObject({
      file_name: 'trades',
      run_date: '2026-01-04',
      run_hour: 12,
      file_size: TRADES_CSV.length,
    });
    expect((runs.rows[0]!.file_last_modified as Date).toISOString()).toBe('2026-01-04T12:34:56.000Z');
    expect((runs.rows[0]!.file_range_lower_limit as Date).toISOString()).toBe('2026-01-04T12:00:00.000Z');
    expect(runs.rows).toHaveLength(3);

    // quality of the trades file: 100 rows; 1 null price; 1 duplicate id; 1 'hold'; 1 price above max
    const q = await db.query<{
      score: number;
      passed: boolean;
      metrics: Record<string, { passed: boolean; details: string }>;
      deductions: Record<string, number>;
      failed_validation_message: string | null;
      failed_validation_rules: unknown[];
    }>(
      `SELECT q.* FROM reporting.monitoring_file_data_quality q JOIN reporting.monitoring_file_run r ON r.id = q.monitoring_file_run_id JOIN reporting.monitoring_file f ON f.id = r.monitoring_file_id WHERE f.file_name = 'trades'`,
    );
    const trades = q.rows[0]!;
    expect(Object.keys(trades.metrics).sort()).toEqual([
      'boundsRange',
      'completeness',
      'formatParsing',
      'schemaValidation',
      'uniqueness',
    ]);
    expect(trades.metrics.completeness).toMatchObject({
      passed: false,
      details: '1% of rows have nulls in required fields',
    });
    expect(trades.metrics.uniqueness).toMatchObject({ passed: false, details: 'Primary key uniqueness 99%' });
    // format: 1 'hold' in 399 checked values; bounds: 1 price above max of 99 prices
    expect(trades.deductions).toEqual({
      schema: 0,
      format: 0.0877,
      completeness: 0.2,
      bounds: 0.1515,
      uniqueness: 0.1,
    });
    expect(trades.score).toBe(99);
    expect(trades.passed).toBe(true);
    expect(trades.failed_validation_message).toContain('completeness: 1% of rows');
    expect(trades.failed_validation_rules).toHaveLength(4);
    expect(files.rows[0]!.latest_data_quality_score).toBe(99);

    // failed rule rows, one per rule (the Parquet's parse failure included)
    const failed = await db.query<{ rule: string; column_name: string }>(
      `SELECT rule, column_name FROM reporting.monitoring_file_failed_validation ORDER BY rule`,
    );
    expect(failed.rows.map((r) => `${r.rule}:${r.column_name}`)).toEqual([
      'bounds.max:price',
      'completeness.required:price',
      'format.allowed_values:side',
      'format.parse:null',
      'uniqueness.key:trade_id',
    ]);

    // the broken Parquet: formatParsing failed, format deduction, parser error kept; no profile
    const broken = await db.query<{
      score: number;
      passed: boolean;
      deductions: Record<string, number>;
      failed_validation_message: string;
      metrics: Record<string, { passed: boolean }>;
    }>(
      `SELECT q.* FROM reporting.monitoring_file_data_quality q JOIN reporting.monitoring_file_run r ON r.id = q.monitoring_file_run_id JOIN reporting.monitoring_file f ON f.id = r.monitoring_file_id WHERE f.file_name = 'positions'`,
    );
    expect(broken.rows[0]).toMatchObject({ score: 65, passed: false, deductions: { format: 35 } });
    expect(broken.rows[0]!.metrics.formatParsing!.passed).toBe(false);
    expect(broken.rows[0]!.failed_validation_message).toMatch(/^Parquet could not be parsed: /);

    // profiles for the two parsed files, capped
    const profiles = await db.query<{
      profile_payload: { sampleData: { rows: unknown[] }; valueDistributions: { items: unknown[] }[] };
    }>(`SELECT profile_payload FROM reporting.monitoring_file_data_profile ORDER BY id`);
    expect(profiles.rows).toHaveLength(2);
    for (const { profile_payload: p } of profiles.rows) {
      expect(Object.keys(p)).toEqual(
        expect.arrayContaining([
          'statisticalSummary',
          'completenessOverview',
          'typeFormatIssues',
          'uniquenessOverview',
          'valueDistributions',
          'boundsAnomalies',
          'sampleData',
        ]),
      );
      expect(p.sampleData.rows.length).toBeLessThanOrEqual(25);
      for (const d of p.valueDistributions) expect(d.items.length).toBeLessThanOrEqual(10);
    }

    // metrics and CloudWatch embedded metrics
    expect(metrics.total('dq_files_processed', { outcome: 'scored' })).toBe(2);
    expect(metrics.total('dq_parse_failures')).toBe(1);
    expect(metrics.total('dq_score_distribution', { bucket: '90-100' })).toBe(2);
    expect(emf).toHaveLength(4);
    expect(JSON.parse(emf[0]!)).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'Coattail/FileQuality' }] },
      Outcome: 'scored',
      Agency: 'tenant-a',
      QualityScore: 99,
    });
  }, 30_000);

  it('leaves exactly one run and one quality row when eight processors handle the same event at once', async () => {
    const key = 'agency/tenant-c/files/fills/2026-01-05/08/fills.csv';
    await put(key, 'id,qty\n1,5\n2,6\n');
    const processors = Array.from({ length: 8 }, () => processor());
    const before = { runs: await count('monitoring_file_run'), quality: await count('monitoring_file_data_quality') };
    const results = await Promise.all(
      processors.map((p) => p.process({ bucket: BUCKET, key, lastModified: new Date('2026-01-05T08:10:00Z') })),
    );
    await Promise.all(processors.map((p) => p.close()));
    expect(new Set(results.map((r) => (r.status === 'scored' ? r.runId : -1))).size).toBe(1);
    expect(results.filter((r) => r.status === 'scored' && r.runCreated)).toHaveLength(1);
    expect(await count('monitoring_file_run')).toBe(before.runs + 1);
    expect(await count('monitoring_file_data_quality')).toBe(before.quality + 1);
    const files = await db.query(`SELECT id FROM reporting.monitoring_file WHERE agency_slug = 'tenant-c'`);
    expect(files.rows).toHaveLength(1);
  }, 30_000);

  it('updates, never duplicates, when an event is replayed after its file changed', async () => {
    const p = processor();
    const event = { bucket: BUCKET, key: TRADES_KEY, lastModified: new Date('2026-01-04T12:34:56Z') };
    const first = await p.process(event);
    const tables = [
      'monitoring_file_run',
      'monitoring_file_data_quality',
      'monitoring_file_data_profile',
      'monitoring_file_failed_validation',
    ];
    const before = await Promise.all(tables.map(count));
    await put(
      TRADES_KEY,
      'trade_id,price,side,traded_at\n1,10,buy,2026-01-04T12:00:00Z\n2,11,sell,2026-01-04T12:01:00Z\n',
    );
    const second = await p.process({ ...event, lastModified: new Date('2026-01-04T12:50:00Z') });
    await p.close();
    expect(second.status === 'scored' && first.status === 'scored' && second.runId === first.runId).toBe(true);
    expect(second).toMatchObject({ status: 'scored', score: 100, runCreated: false, latestScore: 100 });
    const after = await Promise.all(tables.map(count));
    expect(after.slice(0, 3)).toEqual(before.slice(0, 3));
    expect(after[3]).toBe(before[3]! - 4); // the clean file has no failed rules left
    const run = await db.query<{ file_last_modified: Date; file_size: string }>(
      `SELECT file_last_modified, file_size::text FROM reporting.monitoring_file_run WHERE id = $1`,
      [first.status === 'scored' ? first.runId : 0],
    );
    expect(run.rows[0]!.file_last_modified.toISOString()).toBe('2026-01-04T12:50:00.000Z');
  }, 30_000);

  it('skips an unknown file in strict mode and keeps the latest score on the newest run', async () => {
    const strict = processor({ monitoringFileMode: 'strict' });
    const skipped = await strict.process({ bucket: BUCKET, key: 'agency/nobody/files/x/2026-01-04/12/x.csv' });
    expect(skipped).toMatchObject({ status: 'skipped', reason: 'unknown_file' });
    // an older hour of trades scoring lower must not replace the newest run's score
    await put('agency/tenant-a/files/trades/2026-01-03/09/old.csv', 'trade_id,price\n1,\n');
    const old = await strict.process({
      bucket: BUCKET,
      key: 'agency/tenant-a/files/trades/2026-01-03/09/old.csv',
      lastModified: new Date('2026-01-03T09:00:00Z'),
    });
    await strict.close();
    expect(old).toMatchObject({ status: 'scored', latestScore: 100 });
    expect(old.status === 'scored' && old.score).toBeLessThan(100);
  }, 30_000);

  it('fails retryably when the object cannot be downloaded, and records it', async () => {
    const p = processor();
    await expect(
      p.process({ bucket: BUCKET, key: 'agency/tenant-a/files/trades/2026-01-04/12/missing.csv' }),
    ).rejects.toMatchObject({ code: 'OBJECT_UNAVAILABLE', retryable: false });
    await p.close();
    expect(metrics.total('dq_files_processed', { outcome: 'failed' })).toBeGreaterThanOrEqual(1);
  });

  it('serves the webhook with the real processor: POST an S3 notification, get the score back', async () => {
    const key = 'agency/tenant-d/files/orders/2026-01-06/10/orders.jsonl';
    await put(key, '{"id": 1}\n{"id": 2}\n');
    const p = processor();
    const server = await startWebhookServer({ processor: p, port: 0 });
    try {
      const body = { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: BUCKET }, object: { key } } }] };
      const response = await fetch(`${server.url}/events`, { method: 'POST', body: JSON.stringify(body) });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ scored: 1, outcomes: [{ status: 'scored', score: 100, rows: 2 }] });
    } finally {
      await server.close();
      await p.close();
    }
  });

  it('wires the service from environment variables (DATABASE_URL, S3_ENDPOINT, S3 keys)', async () => {
    const config = loadFileQualityConfig({
      DATABASE_URL: pg.url,
      S3_ENDPOINT: stack.endpoints.s3,
      S3_ACCESS_KEY: 'S3RVER',
      S3_SECRET_KEY: 'S3RVER',
      DQ_LATEST_SCORE: 'rolling:3',
      DQ_WORK_DIR: dir,
    });
    const service = await createFileQualityService(config, { migrate: true });
    try {
      const result = await service.processor.process({ bucket: BUCKET, key: TRADES_KEY });
      expect(result).toMatchObject({ status: 'scored', score: 100 });
      expect(() => service.sqsConsumer()).toThrow(/POLL_QUEUE_URL is not set/);
    } finally {
      await service.close();
    }
  }, 30_000);
});
