import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresRunStore } from '../src/run-store/postgres-run-store.js';
import { describeRunStoreContract } from './run-store-contract.js';

// The real PostgreSQL of the test environment; each store gets its own schema, dropped afterwards.
const URL = process.env.COATTAIL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];

async function openStore(): Promise<PostgresRunStore> {
  const schema = `wf_test_${process.pid}_${schemas.length}_${Date.now() % 100000}`;
  schemas.push(schema);
  const store = new PostgresRunStore({ connectionString: URL, schema });
  await store.migrate();
  return store;
}

afterAll(async () => {
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await client.end();
});

describeRunStoreContract('PostgreSQL', openStore);

describe('PostgreSQL run store', () => {
  it('applies its migrations once, however often it is asked', async () => {
    const store = await openStore();
    expect(await store.migrate()).toEqual([]);
    await store.close();
  });

  it('frees a partition when the holder’s connection dies, so a crashed orchestrator blocks nobody', async () => {
    const holder = await openStore();
    const lock = await holder.tryLock('p', '*', 'run crashed');
    expect('release' in lock).toBe(true);
    const other = new PostgresRunStore({ connectionString: URL, schema: schemas[schemas.length - 1] ?? '' });
    expect(await other.tryLock('p', '*', 'run next')).toEqual({
      heldBy: expect.stringContaining('run crashed') as string,
    });
    // The holder "crashes": its session is killed, and its advisory lock goes with it.
    const admin = new pg.Client({ connectionString: URL });
    await admin.connect();
    const key = `"${schemas[schemas.length - 1] ?? ''}"/p@*`;
    const killed = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted
       AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
      [key],
    );
    expect(killed.rowCount).toBe(1);
    // pg_terminate_backend only signals the backend: wait until its session (and lock) is gone.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const held = await admin.query(
        `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
         AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
        [key],
      );
      if (held.rowCount === 0) break;
      if (Date.now() > deadline) throw new Error('the killed session still holds its advisory lock after 15 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    await admin.end();
    const after = await other.tryLock('p', '*', 'run next');
    expect('release' in after).toBe(true);
    if ('release' in after) await after.release();
    await other.close();
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => new PostgresRunStore({ connectionString: URL, schema: 'x; DROP' })).toThrow(/not a schema name/);
  });
});
