import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileQualityError } from '../errors.js';
import type { Database } from './database.js';

/** The repository's `ddl/postgres/` folder. */
export const DEFAULT_POSTGRES_DDL_DIR = fileURLToPath(new URL('../../../ddl/postgres/', import.meta.url));

/** What {@link migrateReporting} did. */
export interface MigrationResult {
  /** Files applied by this call, in order. */
  readonly applied: readonly string[];
  /** Files found already applied. */
  readonly skipped: readonly string[];
}

/** Only the service's migrations take this lock (an arbitrary, fixed 64-bit key). */
const MIGRATION_LOCK = 7_300_100_001;

/**
 * Applies the `*.sql` files of `dir` in name order, each once: applied names are recorded in
 * `reporting.schema_migrations`; the whole run holds a transaction-scoped advisory lock, so two
 * processes migrating at once apply each file once. Idempotent.
 *
 * @example
 * const { applied } = await migrateReporting(db); // [] on the second call
 */
export async function migrateReporting(db: Database, dir = DEFAULT_POSTGRES_DDL_DIR): Promise<MigrationResult> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  } catch (error) {
    throw new FileQualityError('MIGRATION_FAILED', `cannot read the DDL folder ${dir}: ${(error as Error).message}`, {
      domain: 'user',
      cause: error,
    });
  }
  const scripts = await Promise.all(
    files.map(async (name) => ({ name, sql: await readFile(join(dir, name), 'utf8') })),
  );
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query('CREATE SCHEMA IF NOT EXISTS reporting');
    await tx.query(
      'CREATE TABLE IF NOT EXISTS reporting.schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await tx.query<{ name: string }>('SELECT name FROM reporting.schema_migrations')).rows.map((r) => r.name),
    );
    const applied: string[] = [];
    const skipped: string[] = [];
    for (const { name, sql } of scripts) {
      if (done.has(name)) {
        skipped.push(name);
        continue;
      }
      try {
        for (const statement of splitStatements(sql)) await tx.query(statement);
      } catch (error) {
        throw new FileQualityError('MIGRATION_FAILED', `migration ${name} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
      await tx.query('INSERT INTO reporting.schema_migrations (name) VALUES ($1)', [name]);
      applied.push(name);
    }
    return { applied, skipped };
  });
}

/**
 * Splits a DDL script on `;` at line ends, dropping `--` comments. Our DDL has no functions or
 * quoted semicolons; a statement per query keeps one code path for pg and PGlite inside a transaction.
 */
export function splitStatements(sql: string): string[] {
  const lines = sql.split('\n').map((line) => line.replace(/--.*$/, ''));
  return lines
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
