import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReconConfig } from '../config/load-config.js';
import { generateGoldenDataset, type GoldenDataset } from '../generator/generate-golden.js';
import { runReconciliation } from '../reports/write-reports.js';
import type { MismatchPage } from './mismatch-pages.js';
import { serveDashboard, type DashboardServer } from './server.js';

describe('dashboard server', () => {
  let dir: string;
  let golden: GoldenDataset;
  let server: DashboardServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recon-server-'));
    golden = await generateGoldenDataset({ dir, rows: 4_000, rate: 0.01 });
    const config = await loadReconConfig(golden.configPath);
    await runReconciliation(config);
    server = await serveDashboard({ dir: config.output.dir, port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (path: string): Promise<Response> => fetch(new URL(path, server.url));

  it('serves a self-contained page that loads nothing from elsewhere', async () => {
    const html = await (await get('/')).text();
    expect(html).toContain('id="chart-mismatches"');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org)/);
  });

  it('pages the mismatch table on the server and filters by column and key', async () => {
    const total = Object.values(golden.expected.hash.byColumn).reduce((a, b) => a + b, 0);
    const first = (await (await get('/api/mismatches?offset=0&limit=10')).json()) as MismatchPage;
    expect(first.total).toBe(total);
    expect(first.rows).toHaveLength(10);
    const last = (await (await get(`/api/mismatches?offset=${total - 3}&limit=10`)).json()) as MismatchPage;
    expect(last.rows).toHaveLength(3);
    const price = (await (await get('/api/mismatches?column=price&limit=500')).json()) as MismatchPage;
    expect(price.total).toBe(golden.expected.hash.byColumn.price);
    expect(new Set(price.rows.map((r) => r.column))).toEqual(new Set(['price']));
    const key = price.rows[0]!.recordKey;
    const byKey = (await (
      await get(`/api/mismatches?key=${encodeURIComponent(key)}&column=price`)
    ).json()) as MismatchPage;
    expect(byKey.rows.every((r) => r.recordKey.includes(key))).toBe(true);
  });

  it('rejects a malformed page request with 400', async () => {
    expect((await get('/api/mismatches?limit=100000')).status).toBe(400);
    expect((await get('/api/mismatches?offset=-1')).status).toBe(400);
  });

  it('downloads only the artifacts the result lists', async () => {
    const summary = await get('/download/summary.csv');
    expect(summary.status).toBe(200);
    expect(summary.headers.get('content-disposition')).toContain('summary.csv');
    expect((await summary.text()).startsWith('check,status')).toBe(true);
    expect((await get('/download/..%2Fsource.parquet')).status).toBe(404);
    expect((await get('/download/expected.json')).status).toBe(404);
  });
});
