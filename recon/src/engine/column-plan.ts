import type { ReconConfig } from '../config/recon-config.js';
import type { SchemaColumn } from '../result/types.js';
import { compareAsOf, typeCompatibility, type CompareAs } from './type-families.js';

/** A column as DESCRIBE reports it. */
export interface ColumnInfo {
  name: string;
  type: string;
}

/** A column present on both sides, with how it is compared. Names are source names. */
export interface ColumnPair {
  name: string;
  targetName: string;
  sourceType: string;
  targetType: string;
  compareAs: CompareAs;
  tolerance: { absolute: number; relative: number };
}

/** What will be compared, derived once from both schemas and the config. */
export interface ColumnPlan {
  /** Source schema. */
  source: ColumnInfo[];
  /** Target schema with mapped columns already renamed to their source names. */
  target: ColumnInfo[];
  keys: ColumnPair[];
  /** Key columns absent on a side: the row-level layers cannot run. */
  missingKeys: { source: string[]; target: string[] };
  /** Non-key columns compared by nulls, aggregates and hashes. */
  compared: ColumnPair[];
  schema: SchemaColumn[];
}

/** Builds the plan: pairs columns by (mapped) name and classifies every type difference. */
export function buildColumnPlan(config: ReconConfig, source: ColumnInfo[], target: ColumnInfo[]): ColumnPlan {
  const targetByName = new Map(target.map((c) => [c.name, c]));
  const sourceNames = new Set(source.map((c) => c.name));
  const reverseMap = new Map(Object.entries(config.columns.map).map(([s, t]) => [s, t]));
  const excluded = new Set(config.columns.exclude);
  const include = config.columns.include ? new Set(config.columns.include) : undefined;
  const keySet = new Set(config.primaryKey);
  const schema: SchemaColumn[] = [];
  const pairs = new Map<string, ColumnPair>();

  for (const s of source) {
    const t = targetByName.get(s.name);
    const targetColumn = reverseMap.get(s.name) ?? s.name;
    const skipped = !keySet.has(s.name) && (excluded.has(s.name) || (include !== undefined && !include.has(s.name)));
    if (!t) {
      schema.push({
        column: s.name,
        targetColumn: null,
        sourceType: s.type,
        targetType: null,
        status: skipped ? 'SKIPPED' : 'FAIL',
        issue: skipped ? 'excluded' : 'missing_in_target',
      });
      continue;
    }
    const compatibility = typeCompatibility(s.type, t.type);
    const status = skipped
      ? 'SKIPPED'
      : compatibility === 'match'
        ? 'PASS'
        : compatibility === 'compatible'
          ? 'WARN'
          : 'FAIL';
    const issue = skipped
      ? 'excluded'
      : compatibility === 'match'
        ? 'match'
        : compatibility === 'compatible'
          ? 'type_compatible'
          : 'type_mismatch';
    schema.push({ column: s.name, targetColumn, sourceType: s.type, targetType: t.type, status, issue });
    if (!skipped) pairs.set(s.name, pairOf(config, s, t, targetColumn));
  }
  for (const t of target) {
    if (sourceNames.has(t.name)) continue;
    const skipped = excluded.has(t.name);
    schema.push({
      column: t.name,
      targetColumn: t.name,
      sourceType: null,
      targetType: t.type,
      status: skipped ? 'SKIPPED' : 'FAIL',
      issue: skipped ? 'excluded' : 'extra_in_target',
    });
  }

  const keys = config.primaryKey.map((k) => pairs.get(k)).filter((p): p is ColumnPair => p !== undefined);
  return {
    source,
    target,
    keys,
    missingKeys: {
      source: config.primaryKey.filter((k) => !sourceNames.has(k)),
      target: config.primaryKey.filter((k) => !targetByName.has(k)),
    },
    compared: [...pairs.values()].filter((p) => !keySet.has(p.name)),
    schema,
  };
}

function pairOf(config: ReconConfig, s: ColumnInfo, t: ColumnInfo, targetName: string): ColumnPair {
  const override = config.tolerance.columns[s.name];
  return {
    name: s.name,
    targetName,
    sourceType: s.type,
    targetType: t.type,
    compareAs: compareAsOf(s.type, t.type),
    tolerance: {
      absolute: override?.absolute ?? config.tolerance.absolute,
      relative: override?.relative ?? config.tolerance.relative,
    },
  };
}
