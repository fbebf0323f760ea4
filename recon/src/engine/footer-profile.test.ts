import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@coattail/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReconConfig } from '../config/load-config.js';
import { DuckSession } from './duck-session.js';
import { footerProfile } from './footer-profile.js';
import { numericColumns, profileOf } from './profile.js';
import { prepareRecon, type ReconContext } from './recon-context.js';

let dir: string;
const session = async (): Promise<DuckSession> => DuckSession.open({ threads: 2 });
const copy = async (select: string, file: string): Promise<void> => {
  const s = await session();
  // Small row groups, so the footers hold many of them (some all NULL for `d`).
  await s.run(`COPY (${select}) TO '${join(dir, file)}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
  s.close();
};
const rows = (extra = ''): string =>
  `SELECT i::BIGINT AS id, CASE WHEN i % 7 = 0 OR i BETWEEN 3000 AND 5500 THEN NULL ELSE ((i % 1000) * -0.37 + 0.1)::DOUBLE END AS d,
     (i % 13 - 6)::INTEGER AS n, CASE WHEN i % 5 = 0 THEN NULL ELSE 's' || i END AS s, NULL::DOUBLE AS gone${extra}
   FROM range(10000) t(i)`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recon-footers-'));
  await copy(rows(), 'plain.parquet');
  await copy(`SELECT * REPLACE (CASE WHEN id = 42 THEN 'NaN'::DOUBLE ELSE d END AS d) FROM (${rows()})`, 'nan.parquet');
  await mkdir(join(dir, 'folder'));
  await copy(rows(), 'folder/a.parquet');
  await copy(`SELECT * EXCLUDE (n) FROM (${rows()})`, 'folder/b.parquet');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function contexts(path: string): Promise<{ footers: ReconContext; scan: ReconContext; close: () => void }> {
  const config = parseReconConfig({ source: { path }, target: { path }, primaryKey: 'id' }, dir);
  const [a, b] = [await session(), await session()];
  const footers = await prepareRecon(a, config, silentLogger);
  const scan = await prepareRecon(b, config, silentLogger);
  scan.footers = {};
  return { footers, scan, close: () => [a, b].forEach((s) => s.close()) };
}

describe('the profile from Parquet footers', () => {
  it('reads counts, nulls and min/max from the footers and equals a scan of the same rows', async () => {
    const { footers, scan, close } = await contexts('plain.parquet');
    try {
      const fromFooters = await footerProfile(footers, 'source', join(dir, 'plain.parquet'), numericColumns(footers));
      const scanned = await profileOf(scan, 'source');
      expect(fromFooters).toBeDefined();
      expect(fromFooters?.rows).toBe(10_000);
      expect(fromFooters?.nulls).toEqual(scanned.nulls);
      for (const [column, a] of scanned.aggregates) {
        const b = fromFooters?.aggregates.get(column);
        expect([b?.min, b?.max]).toEqual([a.min, a.max]);
        // Float sums run in parallel: equal up to rounding.
        if (a.sum === null) expect(b?.sum).toBeNull();
        else expect(b?.sum).toBeCloseTo(a.sum, 6);
      }
      expect(fromFooters?.aggregates.get('gone')).toEqual({ sum: null, min: null, max: null, avg: null });
    } finally {
      close();
    }
  });

  it('falls back to the scan for a NaN value and for a column some files lack', async () => {
    for (const path of ['nan.parquet', 'folder']) {
      const { footers, scan, close } = await contexts(path);
      try {
        const location = footers.footers.source ?? '';
        expect(await footerProfile(footers, 'source', location, numericColumns(footers))).toBeUndefined();
        const [a, b] = [await profileOf(footers, 'source'), await profileOf(scan, 'source')];
        expect(a.nulls).toEqual(b.nulls);
        expect([...a.aggregates].map(([c, v]) => [c, v.min, v.max])).toEqual(
          [...b.aggregates].map(([c, v]) => [c, v.min, v.max]),
        );
      } finally {
        close();
      }
    }
  });
});
