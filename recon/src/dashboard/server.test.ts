import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
  let config: Awaited<ReturnType<typeof loadReconConfig>>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recon-server-'));
    golden = await generateGoldenDataset({ dir, rows: 4_000, rate: 0.01 });
    config = await loadReconConfig(golden.configPath);
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

  it('serves the stored result as the reconciliation wrote it', async () => {
    const stored: unknown = JSON.parse(await readFile(join(config.output.dir, 'result.json'), 'utf8'));
    expect(await (await get('/api/result')).json()).toEqual(stored);
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

  describe('a stored result.json it cannot read', () => {
    const serveAltered = async (name: string, alter: (result: Record<string, unknown>) => unknown) => {
      const result = JSON.parse(await readFile(join(config.output.dir, 'result.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      const altered = join(dir, name);
      await mkdir(altered, { recursive: true });
      const text = alter(result);
      await writeFile(join(altered, 'result.json'), typeof text === 'string' ? text : JSON.stringify(text));
      return serveDashboard({ dir: altered, port: 0 });
    };

    it('is refused with an error naming the file and the field, not served as a guess', async () => {
      const bad = await serveAltered('bad-field', (r) => ({
        ...r,
        hash: { ...(r.hash as object), matchedRows: 'lots' },
      }));
      try {
        const res = await fetch(new URL('/api/result', bad.url));
        expect(res.status).toBe(500);
        const { error } = (await res.json()) as { error: string };
        expect(error).toContain(join(dir, 'bad-field', 'result.json'));
        expect(error).toContain('hash.matchedRows');
      } finally {
        await bad.close();
      }
    });

    it('does not serve a download its artifacts list points outside the output folder', async () => {
      const bad = await serveAltered('escape', (r) => ({ ...r, artifacts: { summary: '../source.parquet' } }));
      try {
        const res = await fetch(new URL('/download/..%2Fsource.parquet', bad.url));
        expect(res.status).toBe(500);
        expect(((await res.json()) as { error: string }).error).toContain('artifacts.summary');
      } finally {
        await bad.close();
      }
    });

    it('is refused when it is not JSON', async () => {
      const bad = await serveAltered('not-json', () => '{"name": "cut short');
      try {
        const res = await fetch(new URL('/api/result', bad.url));
        expect(((await res.json()) as { error: string }).error).toMatch(
          /result\.json is not a reconciliation result .*\(not JSON\)/,
        );
      } finally {
        await bad.close();
      }
    });
  });

  it('refuses a stored suite.json it cannot read, naming the file and the field', async () => {
    const folder = join(dir, 'bad-suite');
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, 'suite.json'),
      JSON.stringify({
        name: 'nightly',
        startedAt: '2026-01-01T00:00:00.000Z',
        finishedAt: '2026-01-01T00:00:01.000Z',
        durationMs: 1000,
        reconciled: true,
        concurrency: 1,
        tables: 'trades',
        artifacts: {},
      }),
    );
    const bad = await serveDashboard({ dir: folder, port: 0 });
    try {
      const res = await fetch(new URL('/api/tables', bad.url));
      expect(res.status).toBe(500);
      const { error } = (await res.json()) as { error: string };
      expect(error).toContain(join(folder, 'suite.json'));
      expect(error).toContain('tables:');
    } finally {
      await bad.close();
    }
  });
});
