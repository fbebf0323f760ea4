import type { GraphNode, JobGraph, KeyedInput } from '../api/graph.js';
import type { OutputTag } from '../api/output-tag.js';
import { JobDefinitionError } from '../errors.js';

/** A keyBy between two stages: records of `from` (under `tag`) shuffled by key to `to`. */
export interface ExchangeEdge {
  /** The keyed operator's id: the edge's name in channels and pipelines. */
  readonly id: string;
  readonly from: GraphNode;
  readonly tag?: OutputTag<unknown>;
  readonly to: GraphNode;
  readonly keyed: KeyedInput;
}

/**
 * The job graph cut at its keyBys. Stage 0 holds the sources and what runs before the first
 * keyBy (one task per split); stage n the operators after n keyBys (`parallelism` tasks each).
 */
export interface Stage {
  readonly index: number;
  readonly nodes: ReadonlySet<string>;
  /** Edges into this stage from the stage before. */
  readonly inputs: readonly ExchangeEdge[];
  /** Edges from this stage into the next one. */
  readonly outputs: readonly ExchangeEdge[];
}

/**
 * Cuts the graph into stages at every keyed operator's input. A node whose inputs come from
 * different stages (a union of a keyed result with an unkeyed stream) is refused: there is no
 * forward channel between stages, so it must be keyed too.
 */
export function planStages(graph: JobGraph): Stage[] {
  const stageOf = new Map<string, number>();
  const edges: ExchangeEdge[] = [];
  for (const node of graph.nodes) {
    if (node.source !== undefined) {
      stageOf.set(node.id, 0);
      continue;
    }
    if (node.keyed !== undefined) {
      const input = node.inputs[0]!;
      stageOf.set(node.id, stageOf.get(input.node.id)! + 1);
      edges.push({
        id: node.id,
        from: input.node,
        ...(input.tag ? { tag: input.tag } : {}),
        to: node,
        keyed: node.keyed,
      });
      continue;
    }
    const stages = new Set(node.inputs.map((i) => stageOf.get(i.node.id)!));
    if (stages.size > 1) {
      throw new JobDefinitionError(
        `operator '${node.id}' takes inputs from before and after a keyBy (${node.inputs.map((i) => `'${i.node.id}'`).join(', ')}). ` +
          'With the parallelism option every stream crossing a keyBy must be keyed: keyBy the other inputs too.',
      );
    }
    stageOf.set(node.id, [...stages][0] ?? 0);
  }
  const count = Math.max(0, ...stageOf.values()) + 1;
  return Array.from({ length: count }, (_, index) => ({
    index,
    nodes: new Set([...stageOf].filter(([, s]) => s === index).map(([id]) => id)),
    inputs: edges.filter((e) => stageOf.get(e.to.id) === index),
    outputs: edges.filter((e) => stageOf.get(e.from.id) === index),
  }));
}

/** The keyed operators that shuffle, i.e. are not declared `sourcePartitioned`. */
export function shufflingKeyBys(graph: JobGraph): GraphNode[] {
  return graph.nodes.filter((n) => n.keyed !== undefined && !n.keyed.sourcePartitioned);
}

/**
 * Refuses a job that reads its splits on several workers (leases) when one of its keyBys is not
 * declared to follow the source's partitioning: records of one key would reach keyed state on
 * different workers, and each would hold a partial result. Call it when building such a job.
 */
export function assertDistributable(graph: JobGraph, jobId: string): void {
  const shuffling = shufflingKeyBys(graph);
  if (shuffling.length === 0) return;
  throw new JobDefinitionError(
    `job '${jobId}' reads its splits on several workers, but keyBy before ${shuffling.map((n) => `'${n.id}'`).join(', ')} ` +
      'is not the key the source is partitioned by: each worker would hold partial state for the same key. ' +
      'Key by the source partition key and declare it with keyBy(fn, { sourcePartitioned: true }) (the runtime then checks ' +
      'every record), or run the job in one process with the parallelism option (a shuffle between tasks), or ' +
      'write the records to a stream partitioned by the new key and key by it in a second job.',
  );
}
