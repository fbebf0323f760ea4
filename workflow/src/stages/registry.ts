import { WorkflowUsageError } from '../errors.js';
import type { StageType } from './stage-type.js';

/** The stage types a pipeline may name; definitions naming anything else are refused when loaded. */
export class StageRegistry {
  readonly #types = new Map<string, StageType>();

  constructor(types: readonly StageType[] = []) {
    for (const t of types) this.register(t);
  }

  /** Adds a stage type; a second type with the same name is refused, not silently replaced. */
  register(type: StageType): this {
    if (this.#types.has(type.name))
      throw new WorkflowUsageError(`stage type '${type.name}' is already registered; pick another name`);
    this.#types.set(type.name, type);
    return this;
  }

  has(name: string): boolean {
    return this.#types.has(name);
  }

  get(name: string): StageType {
    const type = this.#types.get(name);
    if (!type)
      throw new WorkflowUsageError(`unknown stage type '${name}' (registered: ${this.names().join(', ') || 'none'})`);
    return type;
  }

  names(): string[] {
    return [...this.#types.keys()].sort();
  }
}
