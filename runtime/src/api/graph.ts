import type { OperatorInit, StreamOperator } from '../operators/operator.js';
import type { Source } from '../source/source.js';
import type { WatermarkStrategy } from '../watermarks/watermark-strategy.js';
import type { KeyValue } from '../types.js';
import type { KeySelector } from './functions.js';
import type { OutputTag } from './output-tag.js';

export interface SourceBinding {
  readonly source: Source<unknown>;
  readonly strategy: WatermarkStrategy<unknown>;
}

/**
 * How a keyed operator receives its records. `sourcePartitioned`: the job declares the source is
 * already partitioned by this key (Flink's `reinterpretAsKeyedStream`), so per-split tasks need no
 * shuffle; the runtime checks every record against that claim.
 */
export interface KeyedInput {
  readonly selector: KeySelector<unknown, KeyValue>;
  readonly sourcePartitioned: boolean;
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
  /** Set on keyed operators (after `keyBy`): their single input is partitioned by this key. */
  readonly keyed?: KeyedInput;
}

/** The built graph of a job. */
export interface JobGraph {
  readonly nodes: readonly GraphNode[];
}
