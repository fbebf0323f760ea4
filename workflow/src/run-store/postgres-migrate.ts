import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { RunStoreError } from '../errors.js';

/** The repository's `ddl/postgres/workflow/` folder. */
export const WORKFLOW_DDL_DIR = fileURLToPath(new URL('../../../ddl/postgres/workflow/', import.meta.url));

/**
 * Applies `ddl/postgres/workflow/*.sql` once each into `schema` (an identifier already checked),
 * recorded in that schema's `schema_migrations` under an advisory lock: idempotent, safe from two
 * processes at once. Returns the files applied by this call.
 */
export async function migrateWorkflowSchema(pool: pg.Pool, schema: string, dir = WORKFLOW_DDL_DIR): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`workflow-migrate ${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`SET LOCAL search_path TO ${schema}`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name),
    );
    const applied: string[] = [];
    for (const f of files.filter((n) => !done.has(n))) {
      await client.query(await readFile(join(dir, f), 'utf8'));
      await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [f]);
      applied.push(f);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK');
    throw new RunStoreError(`cannot migrate the workflow schema ${schema}: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    client.release();
  }
}
