import { WorkflowError } from '../errors.js';
import type { InputChanges } from './changes.js';
import type { WatermarkState } from './state.js';

function base(input: string, next: WatermarkState | undefined, describe: string): InputChanges {
  return {
    input,
    mode: 'high-water-mark',
    hasWork: false,
    full: false,
    added: [],
    changed: [],
    deleted: [],
    skipped: 0,
    waiting: [],
    describe,
    next,
  };
}

/**
 * Plans a high-water-mark read: rows whose column is above the largest value processed so far, up
 * to the current maximum. A column whose type changed between runs (numbers then text) cannot be
 * compared and is refused rather than guessed.
 */
export function detectWatermarkChanges(
  input: string,
  column: string,
  currentMax: string | number | undefined,
  previous: WatermarkState | undefined,
): InputChanges {
  if (currentMax === undefined) return base(input, previous, `${input}: no rows, nothing to read`);
  const next: WatermarkState = { mode: 'high-water-mark', value: currentMax };
  if (previous === undefined)
    return {
      ...base(input, next, `${input}: full read up to ${column} = ${currentMax} (first run)`),
      hasWork: true,
      full: true,
      range: { to: currentMax },
    };
  if (typeof previous.value !== typeof currentMax)
    throw new WorkflowError(
      'WORKFLOW_WATERMARK_TYPE',
      `${input}: column '${column}' was ${typeof previous.value} (last value ${previous.value}) and is now ${typeof currentMax} (${currentMax}); reset the stage's incremental state after checking the column`,
      { domain: 'user' },
    );
  if (currentMax <= previous.value)
    return base(input, previous, `${input}: no rows above ${column} = ${previous.value}, skipped`);
  return {
    ...base(input, next, `${input}: rows with ${column} in (${previous.value}, ${currentMax}]`),
    hasWork: true,
    range: { from: previous.value, to: currentMax },
  };
}
