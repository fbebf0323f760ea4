import { InMemorySource } from '../source/in-memory-source.js';
import type { Source } from '../source/source.js';
import { runJob, type JobClient, type JobResult } from '../task/job-runner.js';
import type { JobOptions } from '../task/job-options.js';
import { WatermarkStrategy } from '../watermarks/watermark-strategy.js';
import { DataStream } from './data-stream.js';
import type { JobGraph } from './graph.js';
import { StreamGraphBuilder } from './stream-graph-builder.js';

/**
 * Entry point of a job, as in Flink: declare sources and transformations, then execute.
 *
 * @example
 * const env = StreamEnvironment.create();
 * env.fromSource(trades, WatermarkStrategy.forBoundedOutOfOrderness<Trade>(5_000).withTimestampAssigner((t) => t.event_time))
 *   .keyBy((t) => `${t.symbol}|${t.exchange}`)
 *   .window(TumblingEventTimeWindows.of(30_000))
 *   .aggregate(vwap)
 *   .sinkTo(sink);
 * await env.execute({ jobId: 'vwap', checkpointStore: new LocalCheckpointStore('.coattail/checkpoints') });
 */
export class StreamEnvironment {
  readonly #builder = new StreamGraphBuilder();

  static create(): StreamEnvironment {
    return new StreamEnvironment();
  }

  fromSource<T>(source: Source<T>, strategy: WatermarkStrategy<T>, name = source.name): DataStream<T> {
    const node = this.#builder.add({
      kind: 'source',
      source: { source: source, strategy: strategy as WatermarkStrategy<unknown> },
    });
    node.name = name;
    return new DataStream<T>(this.#builder, node);
  }

  /** A bounded stream of the given records (one split), for tests and examples. */
  fromCollection<T>(records: T[], strategy: WatermarkStrategy<T> = WatermarkStrategy.noWatermarks<T>()): DataStream<T> {
    return this.fromSource(InMemorySource.of(records, 'collection'), strategy);
  }

  getJobGraph(): JobGraph {
    return this.#builder.build();
  }

  /** Runs the job to the end of its input (or until stopped) and resolves with how it ended. */
  execute(options: JobOptions): Promise<JobResult> {
    return this.executeAsync(options).done;
  }

  executeAsync(options: JobOptions): JobClient {
    return runJob(this.getJobGraph(), options);
  }
}
