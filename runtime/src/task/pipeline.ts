import type { GraphNode, JobGraph } from '../api/graph.js';
import type { Clock } from '../clock.js';
import { PlatformError, RuntimeError, SinkWriteError, UserFunctionError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { BatchOutput, type BatchReceiver } from '../operators/batch-output.js';
import type { InFlightTracker } from '../operators/in-flight-tracker.js';
import type { StreamOperator } from '../operators/operator.js';
import type { SinkOperator } from '../operators/sink-operator.js';
import type { TaskPartitionCheck } from './partition-check.js';
import { MIN_WATERMARK, type Json, type KeyValue, type Timestamp } from '../types.js';

export interface PipelineContext {
  jobId: string;
  taskId: string;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
  inFlight: InFlightTracker;
  /** Checks keyed operators declared `sourcePartitioned` against the split each record came from. */
  partitionCheck?: TaskPartitionCheck;
}

interface Stage {
  node: GraphNode;
  operator: StreamOperator;
  output: BatchOutput;
  /** The last watermark this operator received. */
  watermark: Timestamp;
}

/**
 * One task's instance of the job graph: operators wired output-to-input, records pushed through
 * them as batches. Watermarks and processing time visit operators in topological order, so
 * whatever an upstream operator emits on a watermark reaches downstream before the watermark.
 * Each operator sees its own current watermark, as in Flink: while a window fires on watermark W,
 * the window downstream still has the previous one, so the fired results are not late there.
 */
export class Pipeline {
  readonly #stages: Stage[] = [];
  readonly #sourceOutputs = new Map<string, BatchOutput>();

  readonly #outputs = new Map<string, BatchOutput>();

  /**
   * `only`: instantiate only these nodes (one stage of an exchange job). An input from outside
   * the stage becomes an entry point named after the receiving node, fed with `push`.
   */
  constructor(graph: JobGraph, ctx: PipelineContext, only?: ReadonlySet<string>) {
    const outputs = this.#outputs;
    for (const node of graph.nodes) {
      if (only !== undefined && !only.has(node.id)) continue;
      const tags = { job: ctx.jobId, task: ctx.taskId, operator: node.id };
      const output = new BatchOutput(ctx.metrics.counter('recordsOut', tags));
      outputs.set(node.id, output);
      if (node.source !== undefined) {
        this.#sourceOutputs.set(node.id, output);
        continue;
      }
      if (node.create === undefined)
        throw new RuntimeError('GRAPH', `node '${node.id}' has neither a source nor an operator`);
      const stage = { node, output, watermark: MIN_WATERMARK } as Stage;
      stage.operator = node.create({
        jobId: ctx.jobId,
        taskId: ctx.taskId,
        operatorId: node.id,
        output,
        clock: ctx.clock,
        metrics: ctx.metrics,
        logger: ctx.logger.child({ operator: node.id }),
        inFlight: ctx.inFlight,
        currentWatermark: () => stage.watermark,
      });
      const operator = stage.operator;
      const recordsIn = ctx.metrics.counter('recordsIn', tags);
      const check = node.keyed?.sourcePartitioned === true ? ctx.partitionCheck : undefined;
      const receive: BatchReceiver = (values, timestamps) => {
        recordsIn.inc(values.length);
        try {
          check?.verify(node.name, node.keyed!.selector, values);
          operator.processBatch(values, timestamps);
        } catch (error) {
          if (error instanceof PlatformError) throw error;
          throw node.isSink ? new SinkWriteError(node.name, error) : new UserFunctionError(node.name, error);
        }
        output.flush();
      };
      for (const input of node.inputs) {
        const upstream = outputs.get(input.node.id);
        if (upstream !== undefined) upstream.connect(receive, input.tag);
        else {
          const entry = new BatchOutput(ctx.metrics.counter('exchangeIn', tags));
          entry.connect(receive);
          this.#sourceOutputs.set(node.id, entry);
        }
      }
      this.#stages.push(stage);
    }
  }

  /** Where a node's records go: an exchange connects its partitioner here. */
  outputOf(nodeId: string): BatchOutput {
    const output = this.#outputs.get(nodeId);
    if (output === undefined) throw new RuntimeError('GRAPH', `node '${nodeId}' is not in this pipeline`);
    return output;
  }

  /** Feeds a batch read by a source node (or received for a keyed node of this stage) into the pipeline. */
  push(sourceNodeId: string, values: readonly unknown[], timestamps: readonly Timestamp[]): void {
    this.#sourceOutputs.get(sourceNodeId)!.emitBatch(values, timestamps);
  }

  advanceWatermark(watermark: Timestamp): void {
    for (const stage of this.#stages) {
      stage.watermark = watermark;
      stage.operator.processWatermark?.(watermark);
      stage.output.flush();
    }
  }

  advanceProcessingTime(now: number): void {
    for (const stage of this.#stages) {
      if (stage.operator.onProcessingTime === undefined) continue;
      stage.operator.onProcessingTime(now);
      stage.output.flush();
    }
  }

  endInput(): void {
    for (const stage of this.#stages) {
      stage.operator.endInput?.();
      stage.output.flush();
    }
  }

  sinks(): { id: string; operator: SinkOperator }[] {
    return this.#stages
      .filter((s) => s.node.isSink)
      .map((s) => ({ id: s.node.id, operator: s.operator as SinkOperator }));
  }

  snapshot(): Record<string, Json> {
    const states: Record<string, Json> = {};
    for (const { node, operator } of this.#stages) {
      const state = operator.snapshotState?.();
      if (state !== undefined) states[node.id] = state;
    }
    return states;
  }

  /** Restores operator states: one set on restart, or several (a child's parents) through `keep`. */
  restore(states: readonly Record<string, Json>[], keep?: (key: KeyValue) => boolean): void {
    for (const { node, operator } of this.#stages) {
      const snapshots = states.map((s) => s[node.id]).filter((s): s is Json => s !== undefined);
      if (snapshots.length > 0) operator.restoreState?.(snapshots, keep);
    }
  }
}
