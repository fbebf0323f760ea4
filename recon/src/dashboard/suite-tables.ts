import { join } from 'node:path';
import { readSuiteResult } from '../result/read-result.js';
import type { SuiteResult } from '../result/suite-types.js';
import type { ReconResult } from '../result/types.js';
import { SUITE_FILES } from '../suite/run-suite.js';

/**
 * What the dashboard serves from an output folder: one reconciliation (result.json), or a
 * multi-table run (suite.json) whose tables each have their own folder. Only tables named in
 * suite.json and files listed as artifacts are reachable.
 */
export class SuiteTables {
  constructor(private readonly dir: string) {}

  /** The multi-table summary, or `{ suite: null }` for a single reconciliation. */
  async list(): Promise<{ suite: SuiteResult | null }> {
    return { suite: await this.suite() };
  }

  /**
   * The folder holding `table`'s result: for a single reconciliation the output folder itself
   * (when no table is named); for a multi-table run the named table's folder, or the run's own
   * folder when no table is named (its summary downloads). Null when there is no such table.
   */
  async dirOf(table: string | null): Promise<string | null> {
    const suite = await this.suite();
    if (suite === null) return table === null ? this.dir : null;
    if (table === null) return this.dir;
    const found = suite.tables.find((t) => t.name === table && t.status !== 'ERROR');
    return found === undefined ? null : join(this.dir, found.dir);
  }

  /** Files that may be downloaded for `table` (the run's own summaries when none is named). */
  async artifacts(table: string | null, result: () => Promise<ReconResult>): Promise<string[]> {
    const suite = await this.suite();
    return Object.values(suite !== null && table === null ? suite.artifacts : (await result()).artifacts);
  }

  private async suite(): Promise<SuiteResult | null> {
    try {
      return await readSuiteResult(join(this.dir, SUITE_FILES.result));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }
}
