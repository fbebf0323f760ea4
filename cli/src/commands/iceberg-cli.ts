import { join } from 'node:path';
import { PlatformError } from '@coattail/runtime';
import { readUpState } from '../up/up-state.js';

/** A command-line mistake or missing precondition, with what to do about it. */
export class IcebergCommandError extends PlatformError {
  constructor(message: string, cause?: unknown) {
    super('ICEBERG_COMMAND', message, { domain: 'user', ...(cause !== undefined ? { cause } : {}) });
  }
}

/**
 * Where the local catalog's files are read from: the S3 the environment names, or else the one of
 * the `coattail up` (`npm start`) running on the state directory. Without either the command would
 * go to real AWS with a catalog that only the local run knows, so it says what to do instead.
 */
export async function localWarehouseEndpoint(
  stateDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ endpoint: string; from: 'environment' | 'coattail up' }> {
  const fromEnv = env.COATTAIL_S3_ENDPOINT ?? env.AWS_ENDPOINT_URL;
  if (fromEnv !== undefined) return { endpoint: fromEnv, from: 'environment' };
  const up = await readUpState(stateDir);
  if (up.status === 'running') {
    env.AWS_REGION ??= up.stack.region;
    return { endpoint: up.stack.endpoints.s3, from: 'coattail up' };
  }
  throw new IcebergCommandError(
    `no coattail up is running on ${stateDir}, and COATTAIL_S3_ENDPOINT is not set: the local tables live in ` +
      `the S3 of \`npm start\` (coattail up). Start it (in another terminal) and run this command again while ` +
      `it runs, or pass --state-dir for another run; for the deployed platform set ICEBERG_CATALOG=glue.`,
  );
}

/** Turns a catalog failure into what a command-line user can act on (the library's own wording names library calls). */
export function explainLoadFailure(
  error: unknown,
  table: string,
  stateDir: string,
  warehouse: { endpoint: string; from: string } | undefined,
): Error {
  const code = error instanceof PlatformError ? error.code : undefined;
  if (code === 'NO_SUCH_TABLE')
    return new IcebergCommandError(
      `table '${table}' does not exist in the catalog under ${join(stateDir, 'catalog')}: the stream jobs create ` +
        `their tables when they first run (\`npm start\`); \`coattail iceberg tables\` lists the tables there are`,
      error,
    );
  if (warehouse?.from === 'environment')
    return new IcebergCommandError(
      `cannot read table '${table}': ${error instanceof Error ? error.message : String(error)}. ` +
        `The catalog under ${join(stateDir, 'catalog')} was written by a coattail up whose S3 is not the one at ` +
        `${warehouse.endpoint} (COATTAIL_S3_ENDPOINT): unset it and query while that \`npm start\` runs, ` +
        `or delete ${stateDir} to start fresh`,
      error,
    );
  return error instanceof Error ? error : new Error(String(error));
}

const MICROS_PER_MS = 1000n;

/** Microseconds since the epoch as ISO 8601 with microseconds (`Z` for timestamps with a time zone). */
export function isoFromMicros(micros: bigint, zoned: boolean): string {
  const ms = micros >= 0n ? micros / MICROS_PER_MS : -((-micros + MICROS_PER_MS - 1n) / MICROS_PER_MS);
  const rest = micros - ms * MICROS_PER_MS;
  const iso = new Date(Number(ms)).toISOString().slice(0, -1);
  return `${iso}${rest.toString().padStart(3, '0')}${zoned ? 'Z' : ''}`;
}

/** Days since the epoch as an ISO date. */
export const isoFromDays = (days: number): string => new Date(days * 86_400_000).toISOString().slice(0, 10);

/**
 * Converts a query's time columns (DuckDB type names as `DESCRIBE` gives them) from the numbers the
 * table scan returns into ISO strings a reader can check; other columns are unchanged.
 */
export function readableRows(
  rows: readonly Record<string, unknown>[],
  columnTypes: ReadonlyMap<string, string>,
): Record<string, unknown>[] {
  const convert = (type: string | undefined, v: unknown): unknown => {
    if (type === undefined || (typeof v !== 'bigint' && typeof v !== 'number')) return v;
    if (type === 'DATE') return isoFromDays(Number(v));
    if (type === 'TIMESTAMP' || type === 'TIMESTAMP WITH TIME ZONE')
      return isoFromMicros(BigInt(v), type !== 'TIMESTAMP');
    return v;
  };
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, convert(columnTypes.get(k), v)])),
  );
}
