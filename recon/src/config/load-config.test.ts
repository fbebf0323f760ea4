import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReconConfigError } from '../errors.js';
import { typeCompatibility, typeFamily } from '../engine/type-families.js';
import { loadReconConfig, parseReconConfig } from './load-config.js';

describe('reconciliation config', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recon-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads YAML, fills defaults and resolves paths against the config folder', async () => {
    const file = join(dir, 'recon.yaml');
    await writeFile(
      file,
      'source: { path: data/a.parquet }\ntarget: { path: /abs/b.csv, format: csv }\nprimaryKey: id\n',
    );
    const config = await loadReconConfig(file);
    expect(config.source.path).toBe(join(dir, 'data/a.parquet'));
    expect(config.target.path).toBe('/abs/b.csv');
    expect(config.primaryKey).toEqual(['id']);
    expect(config.output.dir).toBe(join(dir, 'recon-output'));
    expect(config.normalize).toEqual({ trim: false, case: 'preserve', timestampPrecision: 'microseconds' });
    expect(config.engine.cache).toBe('auto');
  });

  it('lists every issue of an invalid config at once', () => {
    let error: unknown;
    try {
      parseReconConfig({ source: { path: '' }, primaryKey: [], tolerance: { absolute: -1 }, surprise: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ReconConfigError);
    const message = (error as Error).message;
    for (const part of ['source.path', 'target', 'primaryKey', 'tolerance.absolute', 'surprise'])
      expect(message).toContain(part);
  });

  it('rejects a memory limit DuckDB would not understand', () => {
    expect(() =>
      parseReconConfig({
        source: { path: 'a' },
        target: { path: 'b' },
        primaryKey: 'id',
        engine: { memoryLimit: "1GB'; --" },
      }),
    ).toThrow(ReconConfigError);
  });

  it('names a file it cannot read', async () => {
    await expect(loadReconConfig(join(dir, 'missing.yaml'))).rejects.toThrow(/cannot read config file/);
  });
});

describe('type families', () => {
  it('treats int32 → int64, float → double and DATE → TIMESTAMP as compatible, INTEGER → VARCHAR as a mismatch', () => {
    expect(typeCompatibility('INTEGER', 'BIGINT')).toBe('compatible');
    expect(typeCompatibility('FLOAT', 'DOUBLE')).toBe('compatible');
    expect(typeCompatibility('DECIMAL(18,2)', 'DOUBLE')).toBe('compatible');
    expect(typeCompatibility('DATE', 'TIMESTAMP')).toBe('compatible');
    expect(typeCompatibility('INTEGER', 'VARCHAR')).toBe('incompatible');
    expect(typeCompatibility('VARCHAR', 'VARCHAR')).toBe('match');
    expect(typeFamily('TIMESTAMP WITH TIME ZONE')).toBe('timestamp');
    expect(typeFamily('INTEGER[]')).toBe('other');
  });
});
