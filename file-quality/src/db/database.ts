import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { DatabaseError } from '../errors.js';

/** Runs one statement with `$1…` parameters. A `pg` client, pool and PGlite all fit behind it. */
export interface SqlExecutor {
  query<R extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[] }>;
}

/**
 * The narrow database the service needs (Kysely's lesson: depend on the smallest interface, not
 * the driver): statements, transactions on one connection, multi-statement DDL, close.
 */
export interface Database extends SqlExecutor {
  /** Runs `fn` in BEGIN … COMMIT on one connection; ROLLBACK and rethrow when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs a script of several statements without parameters (DDL). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
  /** `postgres://host/db` (without credentials) or `pglite:memory`, for logs. */
  readonly description: string;
}

function wrap(error: unknown): never {
  if (error instanceof DatabaseError) throw error;
  const message = error instanceof Error ? error.message : String(error);
  throw new DatabaseError(`database: ${message}`, error);
}

/** A {@link Database} over a `pg` pool (the production and test path). */
export function pgDatabase(pool: pg.Pool, description = 'postgres'): Database {
  return {
    description,
    async query<R extends object>(sql: string, params?: readonly unknown[]) {
      const result = await pool.query<R>(sql, params as unknown[] | undefined).catch(wrap);
      return { rows: result.rows };
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect().catch(wrap);
      try {
        await client.query('BEGIN');
        const tx: SqlExecutor = {
          query: async <R extends object>(sql: string, params?: readonly unknown[]) => ({
            rows: (await client.query<R>(sql, params as unknown[] | undefined).catch(wrap)).rows,
          }),
        };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async exec(sql: string) {
      await pool.query(sql).catch(wrap);
    },
    async close() {
      await pool.end();
    },
  };
}

/** A {@link Database} over an embedded PGlite (the `npm start` default without DATABASE_URL). */
export function pgliteDatabase(db: PGlite, description = 'pglite:memory'): Database {
  return {
    description,
    async query<R extends object>(sql: string, params?: readonly unknown[]) {
      const result = await db.query<R>(sql, params as unknown[] | undefined).catch(wrap);
      return { rows: result.rows };
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return db.transaction(async (t) =>
        fn({
          query: async <R extends object>(sql: string, params?: readonly unknown[]) => ({
            rows: (await t.query<R>(sql, params as unknown[] | undefined).catch(wrap)).rows,
          }),
        }),
      );
    },
    async exec(sql: string) {
      await db.exec(sql).catch(wrap);
    },
    async close() {
      await db.close();
    },
  };
}

/** Where {@link openDatabase} connects. */
export interface OpenDatabaseOptions {
  /** `postgres://…`; without it an embedded PGlite is used. */
  url?: string;
  /** PGlite data folder; in memory when absent. */
  pgliteDir?: string;
  /** Pool size for Postgres. @default 10 */
  maxConnections?: number;
}

/** Hides the password of a connection string for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres';
  }
}

/**
 * Opens Postgres at `url`, or an embedded PGlite when no URL is given.
 *
 * @example
 * const db = await openDatabase({ url: process.env.DATABASE_URL });
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  if (options.url !== undefined && options.url !== '') {
    const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 10 });
    // An idle client losing its connection must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    return pgDatabase(pool, redactUrl(options.url));
  }
  const db = await PGlite.create(options.pgliteDir);
  return pgliteDatabase(db, options.pgliteDir === undefined ? 'pglite:memory' : `pglite:${options.pgliteDir}`);
}
