import type { StageType } from '../stage-type.js';
import { quarantineDir, transformFilesStage } from './transform-files.js';
import { windowAggregateStage } from './window-aggregate.js';

/** `noop`: does nothing; a join point in a DAG, or a placeholder while a pipeline is drafted. */
export const noopStage: StageType = {
  name: 'noop',
  description: 'does nothing (a join point)',
  run: () => Promise.resolve({ summary: 'nothing to do' }),
};

/** The stage types every pipeline may use; platform stages (batch, recon) are registered by the CLI. */
export function builtinStageTypes(): StageType[] {
  return [noopStage, transformFilesStage, windowAggregateStage];
}

export { transformFilesStage, windowAggregateStage, quarantineDir };
