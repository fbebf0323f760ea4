import { JobDefinitionError } from '../errors.js';
import type { GraphInput, GraphNode, JobGraph, KeyedInput, SourceBinding } from './graph.js';

interface NodeSpec {
  kind: string;
  inputs?: readonly GraphInput[];
  source?: SourceBinding;
  create?: GraphNode['create'];
  isSink?: boolean;
  keyed?: KeyedInput;
}

/** Collects graph nodes in creation (topological) order and keeps their ids unique. */
export class StreamGraphBuilder {
  readonly #nodes: GraphNode[] = [];
  readonly #ids = new Set<string>();

  add(spec: NodeSpec): GraphNode {
    const id = `${spec.kind}-${this.#nodes.length}`;
    const node: GraphNode = {
      id,
      name: spec.kind,
      kind: spec.kind,
      inputs: spec.inputs ?? [],
      ...(spec.source ? { source: spec.source } : {}),
      ...(spec.create ? { create: spec.create } : {}),
      isSink: spec.isSink ?? false,
      ...(spec.keyed ? { keyed: spec.keyed } : {}),
    };
    this.#ids.add(id);
    this.#nodes.push(node);
    return node;
  }

  rename(node: GraphNode, id: string): void {
    if (id === node.id) return;
    if (id.length === 0 || this.#ids.has(id)) {
      throw new JobDefinitionError(`operator uid '${id}' is empty or already used; every uid in a job must be unique`);
    }
    this.#ids.delete(node.id);
    this.#ids.add(id);
    node.id = id;
  }

  build(): JobGraph {
    if (!this.#nodes.some((n) => n.source !== undefined)) {
      throw new JobDefinitionError('the job has no source: call env.fromSource(...) first');
    }
    if (!this.#nodes.some((n) => n.isSink)) {
      throw new JobDefinitionError(
        'the job has no sink, so it would compute nothing anyone sees. Did you forget to call sinkTo(...)?',
      );
    }
    return { nodes: [...this.#nodes] };
  }
}
