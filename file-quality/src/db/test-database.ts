import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from './database.js';

/** The server tests create their databases on. @default postgres://postgres@127.0.0.1:5432/postgres */
export const TEST_ADMIN_URL = process.env.COATTAIL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A throwaway database: its URL, an open {@link Database}, and `drop()`. */
export interface TestDatabase {
  readonly url: string;
  readonly db: Database;
  drop(): Promise<void>;
}

/**
 * Creates a fresh database with a random name on the test server, so test files run in parallel
 * and repeatedly without seeing each other's rows; `drop()` closes and removes it (WITH FORCE).
 * For tests only.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `coattail_dq_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString() });
  return {
    url: url.toString(),
    db,
    async drop() {
      await db.close();
      const cleanup = new pg.Client({ connectionString: TEST_ADMIN_URL });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
