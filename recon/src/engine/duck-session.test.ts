import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckSession, toText } from './duck-session.js';

describe('DuckSession settings', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "recon-spill it's-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const settings = async (session: DuckSession): Promise<Record<string, string | null>> => {
    const row = await session.one(
      `SELECT current_setting('threads') AS threads, current_setting('memory_limit') AS memory_limit,
        current_setting('temp_directory') AS temp_directory, current_setting('TimeZone') AS tz,
        current_setting('preserve_insertion_order') AS pio`,
    );
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toText(v)]));
  };

  it('applies threads, memory limit and temp directory', async () => {
    const session = await DuckSession.open({ threads: 1, memoryLimit: '300MB', tempDirectory: dir });
    try {
      // DuckDB reports the limit in binary units: 300 MB = 286.1 MiB.
      expect(await settings(session)).toEqual({
        threads: '1',
        memory_limit: '286.1 MiB',
        temp_directory: dir,
        tz: 'UTC',
        pio: 'false',
      });
    } finally {
      session.close();
    }
  });

  it('keeps a different limit per session', async () => {
    const session = await DuckSession.open({ threads: 2, memoryLimit: '1GB' });
    try {
      expect(await settings(session)).toMatchObject({ threads: '2', memory_limit: '953.6 MiB' });
    } finally {
      session.close();
    }
  });
});
