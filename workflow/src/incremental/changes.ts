import type { IncrementalState } from './state.js';

/** How a stage's inputs change between runs (the `incremental.mode` of a definition). */
export type IncrementalMode = IncrementalState['mode'];

/**
 * What changed in one input since the stage last succeeded. Stages read `added` and `changed`
 * (object keys or data-file paths), handle `deleted`, and treat `full` as "process everything":
 * the history needed to be incremental is gone, or the input was rewritten in place.
 */
export interface InputChanges {
  input: string;
  mode: IncrementalMode;
  /** False when nothing needs doing for this input. */
  hasWork: boolean;
  /** Everything must be processed again (first run, rewrite, lost history). */
  full: boolean;
  added: string[];
  changed: string[];
  deleted: string[];
  /** Units (objects, snapshots) left alone because they did not change. */
  skipped: number;
  /** Partition folders whose delivery is incomplete (no completion marker yet): not processed, not remembered. */
  waiting: string[];
  /** `high-water-mark` mode: the rows to read are those with from < column <= to. */
  range?: { from?: string | number; to: string | number };
  /** One line for people: what will be processed and what is skipped. */
  describe: string;
  /** The state to remember once the stage succeeds (none when there is nothing to remember yet). */
  next?: IncrementalState;
}
