import type { GateAction } from './gate-config.js';

/** The outcome of one rule: what was expected, what was observed, how many rows broke it. */
export interface RuleResult {
  readonly id: string;
  readonly type: string;
  /** `row` rules judge each row (and can quarantine); `table` rules judge the dataset as a whole. */
  readonly scope: 'row' | 'table';
  readonly column?: string;
  readonly passed: boolean;
  /** Rows breaking a row rule; 1 or 0 for a table rule. */
  readonly failedCount: number;
  /** Rows checked. */
  readonly totalCount: number;
  /** The measured value of a table rule (row count, age in ms, schema differences). */
  readonly observed?: string | number;
  readonly expected: string;
  /** A sentence for people: what broke, where, and by how much. */
  readonly message: string;
  /** Set when the rule could not be evaluated (bad SQL, missing column); such a rule never passes. */
  readonly error?: string;
}

interface ResultBase {
  readonly gate: string;
  readonly action: GateAction;
  /** Rows in the checked input (0 when it could not be read). */
  readonly rowCount: number;
  readonly rules: readonly RuleResult[];
  readonly durationMs: number;
}

/**
 * A gate's verdict. `passed`: every rule held. `warned`: rules broke under `warn`; everything
 * continues. `quarantined`: failing rows were written to `quarantineLocation` with the rules they
 * broke, passing rows continue. `failed`: downstream must stop; `reasons` says why.
 */
export type GateResult =
  | (ResultBase & { readonly status: 'passed' })
  | (ResultBase & { readonly status: 'warned'; readonly reasons: readonly string[] })
  | (ResultBase & {
      readonly status: 'quarantined';
      readonly reasons: readonly string[];
      readonly quarantinedCount: number;
      readonly passedCount: number;
      readonly quarantineLocation: string;
      /** Where the passing rows were written, when asked for. */
      readonly passedLocation?: string;
    })
  | (ResultBase & { readonly status: 'failed'; readonly reasons: readonly string[] });

/** True when stages downstream of the gate may run. */
export function gateAllowsDownstream(result: GateResult): boolean {
  return result.status !== 'failed';
}
