import type { OperatorInit, StreamOperator } from '../operators/operator.js';
import type { Source } from '../source/source.js';
import type { WatermarkStrategy } from '../watermarks/watermark-strategy.js';
import type { OutputTag } from './output-tag.js';

export interface SourceBinding {
  readonly source: Source<unknown>;
  readonly strategy: WatermarkStrategy<unknown>;
}

export interface GraphInput {
  readonly node: GraphNode;
  readonly tag?: OutputTag<unknown>;
}

/**
 * A node of the job graph. Nodes are created in topological order (a node only names earlier
 * nodes as inputs), and every task instantiates the whole graph. `id` is the operator's identity
 * in checkpoints: set it with `.uid()` on anything stateful you may later move.
 */
export interface GraphNode {
  id: string;
  name: string;
  readonly kind: string;
  readonly inputs: readonly GraphInput[];
  readonly source?: SourceBinding;
  readonly create?: (init: OperatorInit) => StreamOperator;
  readonly isSink: boolean;
}

/** The built graph of a job. */
export interface JobGraph {
  readonly nodes: readonly GraphNode[];
}
