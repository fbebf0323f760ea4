import { randomUUID } from 'node:crypto';
import { DuckDBTableFunction, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import type { ColumnBatch } from './column-batch.js';
import { duckdbLogicalType } from './duckdb-types.js';
import { VECTOR_SIZE, VectorFiller } from './duckdb-vectors.js';

/** The table function that streams a registered batch to DuckDB: `FROM coattail_batch('<id>')`. */
export const BATCH_SCAN_FUNCTION = 'coattail_batch';

interface PendingScan {
  readonly batch: ColumnBatch;
  readonly rows: readonly number[];
  readonly filler: VectorFiller;
}

interface ScanCursor {
  offset: number;
}

const pending = new Map<string, PendingScan>();

/**
 * Registers the batch scan on a DuckDB database (once per database). DuckDB pulls the batch
 * vector by vector straight into the query that consumes it (here `COPY … TO parquet`): no table
 * is materialized and no row is appended one by one. Callbacks run on the JS thread, which is free
 * while the query runs asynchronously; one scanning thread keeps the rows in order.
 */
export function registerBatchScan(connection: DuckDBConnection): DuckDBTableFunction {
  const fn = DuckDBTableFunction.create({
    name: BATCH_SCAN_FUNCTION,
    parameterTypes: [VARCHAR],
    bindFunction: (info) => {
      const id = String(info.getParameter(0));
      const scan = pending.get(id);
      if (!scan) {
        info.setError(`no column batch is registered as ${id}`);
        return;
      }
      try {
        for (const f of scan.batch.fields) info.addResultColumn(f.name, duckdbLogicalType(f.type));
      } catch (error) {
        info.setError(error instanceof Error ? error.message : String(error));
        return;
      }
      info.setBindData(scan);
      info.setCardinality(scan.rows.length, true);
    },
    initFunction: (info) => {
      info.setMaxThreads(1);
      info.setInitData({ offset: 0 } satisfies ScanCursor);
    },
    mainFunction: (info, output) => {
      const scan = info.bindData as PendingScan;
      const cursor = info.initData as ScanCursor;
      const size = Math.min(VECTOR_SIZE, scan.rows.length - cursor.offset);
      output.rowCount = size; // 0 ends the scan
      try {
        if (size > 0) scan.filler.fill(output, scan.batch.columns, scan.rows, cursor.offset, size);
      } catch (error) {
        info.setError(`writing the column batch failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      cursor.offset += size;
    },
  });
  connection.registerTableFunction(fn);
  return fn;
}

/**
 * Makes the rows `rows` (indices into `batch`, in that order) readable as
 * `FROM coattail_batch('<id>')` while `fn` runs.
 */
export async function withBatchScan<T>(
  batch: ColumnBatch,
  rows: readonly number[],
  fn: (from: string) => Promise<T>,
): Promise<T> {
  const id = randomUUID();
  pending.set(id, { batch, rows, filler: new VectorFiller(batch.fields) });
  try {
    return await fn(`${BATCH_SCAN_FUNCTION}('${id}')`);
  } finally {
    pending.delete(id);
  }
}
