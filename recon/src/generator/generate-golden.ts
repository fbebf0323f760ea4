import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ReconConfigInput } from '../config/recon-config.js';
import { DuckSession, type DuckSessionOptions } from '../engine/duck-session.js';
import { quoteLiteral } from '../sql/quote.js';
import {
  SLOT_MULTIPLIER,
  expectedFindings,
  periodOf,
  slotOf,
  type ExpectedFindings,
  type InducedKind,
} from './golden-plan.js';

/** Options of {@link generateGoldenDataset}. */
export interface GoldenOptions {
  /** Output folder (created). */
  dir: string;
  /** Source rows. @default 100_000 */
  rows?: number;
  /** Fraction of rows hit by each induced kind. @default 0.001 */
  rate?: number;
  /** @default 'parquet' */
  format?: 'parquet' | 'csv';
  /** Add schema drift (missing/extra column, type changes). Off for the EXCEPT baseline. @default true */
  schemaDrift?: boolean;
  engine?: DuckSessionOptions;
}

/** Paths written by the generator, and the findings the engine must report. */
export interface GoldenDataset {
  sourcePath: string;
  targetPath: string;
  configPath: string;
  expectedPath: string;
  expected: ExpectedFindings;
}

const SYMBOLS = `['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT', 'XRPUSDT']`;

/** The twelve source columns of one trade id, computed in DuckDB from `id`. */
function baseSelect(rows: number, period: number): string {
  return `SELECT id, CAST((id * ${SLOT_MULTIPLIER}) % ${period} AS INTEGER) AS slot,
    id AS trade_id,
    list_element(${SYMBOLS}, CAST(id % 5 AS INTEGER) + 1) AS symbol,
    CASE WHEN id % 2 = 0 THEN 'binance' ELSE 'coinbase' END AS exchange,
    CAST(round(100 + (id % 10007) * 0.37, 2) AS DOUBLE) AS price,
    CAST(((id % 997) + 1) * 0.001 AS DOUBLE) AS quantity,
    CAST(round(100 + (id % 10007) * 0.37, 2) * ((id % 997) + 1) * 0.001 AS DOUBLE) AS quote_volume,
    TIMESTAMP '2024-01-01 00:00:00' + to_milliseconds(id * 37) AS trade_time,
    id % 3 = 0 AS is_buyer_maker,
    CAST(id % 50 + 1 AS INTEGER) AS trade_count,
    CAST(id % 13 AS INTEGER) AS venue_code,
    CASE WHEN id % 7 = 0 THEN NULL ELSE 'n' || (id % 100) END AS note,
    id % 11 = 0 AS legacy_flag
  FROM range(${rows}) r(id)`;
}

const SOURCE_COLUMNS =
  'trade_id, symbol, exchange, price, quantity, quote_volume, trade_time, is_buyer_maker, trade_count, venue_code, note, legacy_flag';

function targetColumns(drift: boolean): string {
  const s = (k: InducedKind): string => `slot = ${slotOf(k)}`;
  const cols = [
    `trade_id`,
    `CASE WHEN ${s('symbol_changed')} THEN symbol || '_X' ELSE symbol END AS symbol`,
    `CASE WHEN ${s('exchange_whitespace_and_case')} THEN ' ' || upper(exchange) || ' ' ELSE exchange END AS exchange`,
    `CASE WHEN ${s('price_changed')} OR ${s('replayed_with_error')} OR ${s('conflicting_replay')} THEN price * 1.01 + 1 WHEN ${s('price_noise_within_tolerance')} THEN price * (1 + 1e-12) ELSE price END AS price`,
    `CASE WHEN ${s('quantity_nulled')} THEN NULL ELSE quantity END AS quantity`,
    `CASE WHEN ${s('quote_volume_and_side_changed')} THEN quote_volume + 100 ELSE quote_volume END AS quote_volume`,
    `CASE WHEN ${s('trade_time_shifted')} THEN trade_time + INTERVAL 1 SECOND WHEN ${s('trade_time_below_precision')} THEN trade_time + to_microseconds(400) ELSE trade_time END AS trade_time`,
    `CASE WHEN ${s('quote_volume_and_side_changed')} THEN NOT is_buyer_maker ELSE is_buyer_maker END AS is_buyer_maker`,
    drift ? `CAST(trade_count AS BIGINT) AS trade_count` : `trade_count`,
    `${drift ? 'CAST(' : '('}CASE WHEN ${s('venue_code_changed')} THEN venue_code + 1 ELSE venue_code END${drift ? ' AS VARCHAR)' : ')'} AS venue_code`,
    `note`,
    drift ? `TIMESTAMP '2024-06-01 00:00:00' AS ingested_at` : `legacy_flag`,
  ];
  return cols.join(', ');
}

/**
 * Writes `source.<fmt>`, `target.<fmt>`, `recon.yaml` and `expected.json` into `dir`: a golden
 * dataset with every kind of induced difference at `rate`, and the exact findings expected.
 *
 * @example
 * const golden = await generateGoldenDataset({ dir: 'golden', rows: 20_000, rate: 0.01 });
 */
export async function generateGoldenDataset(options: GoldenOptions): Promise<GoldenDataset> {
  const rows = options.rows ?? 100_000;
  const rate = options.rate ?? 0.001;
  const format = options.format ?? 'parquet';
  const drift = options.schemaDrift ?? true;
  const period = periodOf(rate);
  await mkdir(options.dir, { recursive: true });
  const sourcePath = join(options.dir, `source.${format}`);
  const targetPath = join(options.dir, `target.${format}`);
  const session = await DuckSession.open(options.engine);
  try {
    // Materialized once: every copy below reads it instead of recomputing the expressions.
    await session.run(`CREATE TEMP TABLE b AS ${baseSelect(rows, period)}`);
    const slot = (k: InducedKind): number => slotOf(k);
    const source = `SELECT ${SOURCE_COLUMNS} FROM b UNION ALL SELECT ${SOURCE_COLUMNS} FROM b WHERE slot = ${slot('duplicate_in_source')}`;
    const target = `WITH t AS (SELECT slot, ${targetColumns(drift)} FROM b WHERE slot <> ${slot('missing_in_target')})
      SELECT * EXCLUDE (slot) FROM t
      UNION ALL SELECT * EXCLUDE (slot) REPLACE (trade_id + ${rows} AS trade_id) FROM t WHERE slot = ${slot('extra_in_target')}
      UNION ALL SELECT * EXCLUDE (slot) FROM t WHERE slot IN (${slot('duplicate_in_target')}, ${slot('replayed_with_error')})
      UNION ALL SELECT * EXCLUDE (slot) REPLACE (price * 1.01 + 1 AS price) FROM t WHERE slot = ${slot('conflicting_replay')}`;
    const copy = format === 'parquet' ? '(FORMAT parquet, COMPRESSION zstd)' : '(FORMAT csv, HEADER true)';
    await session.run(`COPY (${source}) TO ${quoteLiteral(sourcePath)} ${copy}`);
    await session.run(`COPY (${target}) TO ${quoteLiteral(targetPath)} ${copy}`);
  } finally {
    session.close();
  }
  const expected = expectedFindings(rows, rate, drift);
  const expectedPath = join(options.dir, 'expected.json');
  await writeFile(expectedPath, `${JSON.stringify(expected, null, 2)}\n`);
  const configPath = join(options.dir, 'recon.yaml');
  await writeFile(configPath, stringify(goldenConfig(format)));
  return { sourcePath, targetPath, configPath, expectedPath, expected };
}

/** The config that reconciles a golden dataset: the tolerances and normalization its tolerated kinds need. */
export function goldenConfig(format: 'parquet' | 'csv'): ReconConfigInput {
  return {
    name: 'golden trades',
    source: { path: `source.${format}` },
    target: { path: `target.${format}` },
    primaryKey: ['trade_id'],
    tolerance: { absolute: 0, relative: 0, columns: { price: { relative: 1e-9 } } },
    normalize: { trim: true, case: 'lower', timestampPrecision: 'milliseconds' },
    output: { dir: 'report' },
  };
}
