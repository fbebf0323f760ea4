import type { DuckDBConnection } from '@duckdb/node-api';
import { expect } from 'vitest';
import { evaluateGate } from './evaluate-gate.js';
import { proveFromFooters } from './footer-proofs.js';
import { parseGateConfig, type GateRuleInput } from './gate-config.js';
import { describeInput, fromItem, gateInputSchema } from './gate-input.js';
import type { GateResult } from './gate-result.js';
import { plan } from './plan-measure.js';

/** The ids of the rules that the footers (and dictionaries) of the Parquet files `paths` prove. */
export async function provenRules(
  connection: DuckDBConnection,
  paths: string[],
  rules: GateRuleInput[],
): Promise<string[]> {
  const input = gateInputSchema.parse({ format: 'parquet', paths });
  const columns = await describeInput(connection, fromItem(input));
  const gate = parseGateConfig({ name: 'g', rules });
  const proofs = await proveFromFooters(
    connection,
    input,
    gate.rules.map((r) => plan(r, columns)),
    columns,
  );
  return [...proofs!.proven].sort();
}

/** The SQL a connection is asked to run, to see which queries read rows. */
export function recording(connection: DuckDBConnection): { connection: DuckDBConnection; sql: string[] } {
  const sql: string[] = [];
  const proxy = new Proxy(connection, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (typeof args[0] === 'string') sql.push(args[0]);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { connection: proxy, sql };
}

const withoutTime = ({ durationMs: _, ...rest }: GateResult) => rest;

/**
 * A warn gate over Parquet files evaluated with proofs and with a full scan, whose results must be
 * equal: the result with proofs, and the row scans it ran (none when every rule was proven).
 */
export async function provenAndScanned(connection: DuckDBConnection, paths: string[], rules: GateRuleInput[]) {
  const { connection: spy, sql } = recording(connection);
  const gate = { name: 'g', action: 'warn', rules };
  const proved = await evaluateGate(spy, gate, { format: 'parquet', paths });
  const scanned = await evaluateGate(connection, gate, { format: 'parquet', paths }, { footerStatistics: false });
  expect(withoutTime(proved)).toEqual(withoutTime(scanned));
  return { result: proved, scans: sql.filter((s) => /count\(\*\) AS n/.test(s)) };
}
