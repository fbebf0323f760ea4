import type { JobGraph } from '../api/graph.js';
import { systemClock } from '../clock.js';
import { runExchangeJob } from '../exchange/exchange-job.js';
import { assertDistributable } from '../exchange/exchange-plan.js';
import { silentLogger } from '../observability/logger.js';
import { noopMetrics } from '../observability/metrics.js';
import type { JobClient } from './job-client.js';
import type { JobOptions } from './job-options.js';
import { JobRun } from './job-run.js';

export type { JobClient, JobResult } from './job-client.js';

/**
 * Runs a job graph in this process until its input ends or it is stopped. With a `splitFilter`
 * (a lease coordinator's answer) the assignment is dynamic: splits are listed again every
 * `splitDiscoveryIntervalMs`, newly owned ones start, and tasks whose split is no longer owned
 * are released without a checkpoint; the job then runs until stopped.
 */
export function runJob(graph: JobGraph, options: JobOptions): JobClient {
  if (options.parallelism !== undefined || options.threads !== undefined) return runExchangeJob(graph, options);
  if (options.splitFilter !== undefined) assertDistributable(graph, options.jobId);
  const run = new JobRun(graph, options, {
    clock: options.clock ?? systemClock,
    logger: (options.logger ?? silentLogger).child({ job: options.jobId }),
    metrics: options.metrics ?? noopMetrics,
  });
  const done = run.execute();
  return {
    jobId: options.jobId,
    done,
    stop: async () => {
      run.stop();
      return done;
    },
    tasks: () => run.tasks,
  };
}
