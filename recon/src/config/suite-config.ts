import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ReconConfigError, describeError } from '../errors.js';
import { parseReconConfig } from './load-config.js';
import type { ReconConfig } from './recon-config.js';

const fields = z.record(z.string(), z.unknown());

/**
 * Several table pairs in one config: each entry of `tables` is a table config (the same fields
 * as a single-table config), laid over `defaults`; objects merge field by field, lists and
 * values replace. Each table's reports go to `<output.dir>/<table folder>`.
 */
export const reconSuiteSchema = z
  .object({
    /** @default 'reconciliation' */
    name: z.string().min(1).default('reconciliation'),
    /** Tables reconciled at the same time (each with its own DuckDB). @default 2 */
    concurrency: z.number().int().positive().max(64).default(2),
    /** Fields every table shares unless it sets them itself (keys, tolerance, normalize, engine, output...). @default {} */
    defaults: fields.default({}),
    /** One entry per table pair; `name` names the table in reports and is unique. */
    tables: z.array(fields.and(z.object({ name: z.string().min(1) }))).min(1),
    output: z
      .object({
        /** @default 'recon-output' (relative to the config file) */ dir: z.string().min(1).default('recon-output'),
      })
      .strict()
      .default({ dir: 'recon-output' }),
  })
  .strict();

/** One table of a suite: its name, its report folder (relative to the suite's) and its parsed config. */
export interface SuiteTable {
  name: string;
  folder: string;
  config: ReconConfig;
}

/** A parsed multi-table config. */
export interface ReconSuite {
  name: string;
  concurrency: number;
  /** Absolute output folder: suite.json, suite-summary.csv and one folder per table. */
  outputDir: string;
  tables: SuiteTable[];
}

/** A config file holds either one table pair or a suite of them (`tables:`). */
export type ReconConfigFile = { kind: 'table'; config: ReconConfig } | { kind: 'suite'; suite: ReconSuite };

/** A table name as a folder name: lower case, anything but letters, digits, `.`, `_` and `-` becomes `-`. */
export function tableFolder(name: string): string {
  const folder = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[.-]+|-+$/g, '');
  // Never the name of the run's own summary files (suite.json, suite-summary.csv) beside it.
  return folder === '' ? 'table' : /^suite(\.json|-summary\.csv)$/.test(folder) ? `${folder}-table` : folder;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `over` laid on `base`: objects merge recursively, everything else (lists too) replaces. */
export function mergeConfig(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? mergeConfig(current, value) : value;
  }
  return out;
}

/**
 * Validates a multi-table config, listing every issue at once (each prefixed by its table).
 *
 * @param baseDir relative paths resolve against it (the config's folder).
 */
export function parseReconSuite(raw: unknown, baseDir = process.cwd()): ReconSuite {
  const parsed = reconSuiteSchema.safeParse(raw);
  if (!parsed.success)
    throw new ReconConfigError(`invalid reconciliation config:\n${z.prettifyError(parsed.error)}`, parsed.error);
  const { name, concurrency, defaults, tables, output } = parsed.data;
  const outputDir = isAbsolute(output.dir) ? output.dir : resolve(baseDir, output.dir);
  const problems: string[] = [];
  const folders = new Map<string, string>();
  const parsedTables: SuiteTable[] = [];
  for (const table of tables) {
    const folder = tableFolder(table.name);
    const clash = folders.get(folder);
    if (clash !== undefined) problems.push(`tables '${clash}' and '${table.name}' would share the folder '${folder}'`);
    folders.set(folder, table.name);
    const merged = mergeConfig(defaults, table);
    merged.output = { ...(isObject(merged.output) ? merged.output : {}), dir: join(outputDir, folder) };
    try {
      parsedTables.push({ name: table.name, folder, config: parseReconConfig(merged, baseDir) });
    } catch (error) {
      problems.push(`table '${table.name}': ${describeError(error).replace(/^invalid reconciliation config:\n/, '')}`);
    }
  }
  if (problems.length > 0) throw new ReconConfigError(`invalid reconciliation config:\n${problems.join('\n')}`);
  return { name, concurrency, outputDir, tables: parsedTables };
}

/**
 * Reads a YAML or JSON config holding one table pair or several (`tables:`), and validates it.
 *
 * @example
 * const file = await loadReconConfigFile('recon.yaml');
 * if (file.kind === 'suite') await runReconSuite(file.suite, { logger });
 */
export async function loadReconConfigFile(file: string): Promise<ReconConfigFile> {
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ReconConfigError(`cannot read config file '${file}': ${describeError(error)}`, error);
  }
  const baseDir = dirname(resolve(file));
  return isObject(raw) && 'tables' in raw
    ? { kind: 'suite', suite: parseReconSuite(raw, baseDir) }
    : { kind: 'table', config: parseReconConfig(raw, baseDir) };
}
