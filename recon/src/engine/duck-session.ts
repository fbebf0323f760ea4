import { DuckDBInstance, type DuckDBConnection, type DuckDBValue, type Json } from '@duckdb/node-api';
import { ReconError, describeError } from '../errors.js';
import { quoteLiteral } from '../sql/quote.js';

/** DuckDB settings for one reconciliation. */
export interface DuckSessionOptions {
  /** Worker threads. @default DuckDB's default (all cores) */
  threads?: number;
  /** Memory limit such as '2GB' or '50%'. @default DuckDB's default (80 % of RAM) */
  memoryLimit?: string;
  /** Spill folder for operators over the memory limit. */
  tempDirectory?: string;
}

/** A row as JSON: BIGINT/HUGEINT arrive as strings, use {@link toNumber}. */
export type JsonRow = Record<string, Json>;

/**
 * One in-memory DuckDB database and connection. Everything heavy runs as SQL inside it; only
 * aggregated rows come back to JavaScript.
 */
export class DuckSession {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  /** Opens an in-memory database with the given limits; timestamps compare in UTC. */
  static async open(options: DuckSessionOptions = {}): Promise<DuckSession> {
    const settings: Record<string, string> = {};
    if (options.threads !== undefined) settings.threads = String(options.threads);
    if (options.memoryLimit !== undefined) settings.memory_limit = options.memoryLimit;
    const instance = await DuckDBInstance.create(':memory:', settings);
    const connection = await instance.connect();
    const session = new DuckSession(instance, connection);
    await session.run(`SET TimeZone = 'UTC'`);
    // Every query that needs an order says ORDER BY; without this promise DuckDB streams
    // CREATE TABLE AS and COPY with less memory.
    await session.run(`SET preserve_insertion_order = false`);
    if (options.tempDirectory !== undefined)
      await session.run(`SET temp_directory = ${quoteLiteral(options.tempDirectory)}`);
    return session;
  }

  /** Runs statements for their effect. */
  async run(sql: string, params?: DuckDBValue[]): Promise<void> {
    try {
      await this.connection.run(sql, params);
    } catch (error) {
      throw wrap(error, sql);
    }
  }

  /** Runs a query and returns its rows as JSON objects. */
  async rows(sql: string, params?: DuckDBValue[]): Promise<JsonRow[]> {
    try {
      const reader = await this.connection.runAndReadAll(sql, params);
      return reader.getRowObjectsJson();
    } catch (error) {
      throw wrap(error, sql);
    }
  }

  /** The first row of a query (an aggregate), or an internal error when there is none. */
  async one(sql: string, params?: DuckDBValue[]): Promise<JsonRow> {
    const [row] = await this.rows(sql, params);
    if (row === undefined) throw new ReconError('ENGINE_FAILED', `query returned no row: ${sql.slice(0, 200)}`);
    return row;
  }

  /** How many statements a SQL text holds; used to check that a filter is one expression. */
  async statementCount(sql: string): Promise<number> {
    const extracted = await this.connection.extractStatements(sql);
    return extracted.count;
  }

  /** Closes the connection and the database. Safe to call twice. */
  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function wrap(error: unknown, sql: string): ReconError {
  if (error instanceof ReconError) return error;
  return new ReconError('ENGINE_FAILED', `DuckDB failed: ${describeError(error)} (in: ${sql.slice(0, 300)})`, {
    cause: error,
  });
}

/** Converts a JSON value from DuckDB (number, numeric string or null) to a number or null. */
export function toNumber(value: Json | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const n = Number(value);
    return Number.isNaN(n) && value !== 'NaN' ? null : n;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

/** Like {@link toNumber} but null becomes 0 (for counts). */
export function toCount(value: Json | undefined): number {
  return toNumber(value) ?? 0;
}

/** Converts a JSON value from DuckDB to text (objects and lists as JSON), or null. */
export function toText(value: Json | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
