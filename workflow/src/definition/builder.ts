import type { StageRegistry } from '../stages/registry.js';
import { validatePipelineObject } from './load.js';
import type { PipelineDefinition, PipelineInput, StageInput } from './schema.js';

/**
 * A small typed builder for pipelines defined in TypeScript; `build()` runs the same validation
 * as a YAML file.
 *
 * @example
 * const daily = pipeline('daily', { concurrency: 2 })
 *   .stage({ id: 'load', type: 'historical-load', outputs: ['iceberg://coattail.raw_trades'] })
 *   .stage({ id: 'reprocess', type: 'reprocess-anomalies', dependsOn: ['load'], inputs: ['iceberg://coattail.raw_trades'] })
 *   .build(registry);
 */
export class PipelineBuilder {
  readonly #input: PipelineInput;

  constructor(name: string, options: Omit<PipelineInput, 'pipeline' | 'stages'> = {}) {
    this.#input = { ...options, pipeline: name, stages: [] };
  }

  /** Adds a stage; stages run in dependency order, not in the order they are added. */
  stage(stage: StageInput): this {
    this.#input.stages.push(stage);
    return this;
  }

  /** Validates and returns the definition; throws `DefinitionError` naming every problem. */
  build(registry?: StageRegistry): PipelineDefinition {
    return validatePipelineObject(this.#input, registry);
  }
}

/** Starts a pipeline definition in TypeScript. */
export function pipeline(name: string, options: Omit<PipelineInput, 'pipeline' | 'stages'> = {}): PipelineBuilder {
  return new PipelineBuilder(name, options);
}
