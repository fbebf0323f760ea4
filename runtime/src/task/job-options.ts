import type { CheckpointStore } from '../checkpoint/checkpoint-store.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { SplitDescriptor } from '../source/source.js';
import type { ExchangeThreads } from '../exchange/threads/thread-protocol.js';
import type { KeyValue } from '../types.js';

/** How a job runs in this worker. Every field but `jobId` has a default. */
export interface JobOptions {
  /** Identity of the job in checkpoints and metrics; keep it stable across restarts. */
  jobId: string;
  /** Where checkpoints go. Without one the job keeps no state across restarts. */
  checkpointStore?: CheckpointStore;
  /** Processing time between periodic checkpoints of a task; 0 takes only final ones. @default 10_000 */
  checkpointIntervalMs?: number;
  /**
   * Periodic checkpoints commit their sinks behind the task (it reads on meanwhile); the next
   * checkpoint, stopping and releasing a split wait for that commit at most this long (ms). A
   * checkpoint that waits longer fails the task, which restarts from its last checkpoint and
   * commits it again; a release gives the commit up with a warning. @default 60_000
   */
  commitTimeoutMs?: number;
  /**
   * Periodic checkpoints commit sinks behind the task (true) or before it reads on (false: records
   * read meanwhile wait for the commit). Exactly once either way. Tasks of a job with
   * `parallelism` (the keyBy exchange) commit once every task completed the checkpoint, as before.
   * Off by default until a stop during a consumer-group rebalance has been shown never to wait on it.
   * @default false
   */
  commitBehind?: boolean;
  /** Complete checkpoints kept per task. @default 3 */
  retainCheckpoints?: number;
  /**
   * `per-split`: one task per split, the unit that leases move between workers; a child split's
   * task is seeded from its parents' final state. `single`: one task reads every split, its
   * watermark the minimum over them. @default 'per-split'
   */
  tasks?: 'per-split' | 'single';
  /**
   * Splits this worker reads (the lease coordinator's answer), asked again at every discovery.
   * With it, assignment is dynamic: newly owned splits start, tasks of splits no longer owned are
   * released without a checkpoint, and the job runs until stopped. @default every split, listed once
   */
  splitFilter?: (split: SplitDescriptor) => boolean;
  /** How often splits are listed again and ownership re-checked, with a `splitFilter`. @default 5_000 */
  splitDiscoveryIntervalMs?: number;
  /**
   * Which keys of a parent's state a child split takes. Needed when a split ends with several
   * children; for Kinesis it maps a key to the child whose hash-key range holds it.
   */
  stateKeyFilter?: (key: KeyValue, child: SplitDescriptor) => boolean;
  /**
   * Keyed tasks after every keyBy. Set, the job runs as an exchange: a source task per split
   * hashes records by key (key groups, see `maxParallelism`) into channels to this many keyed
   * tasks in this process, with watermarks and checkpoint barriers aligned across the channels.
   * Unset, keyed operators run inside each split's task. See runtime/README.md, "keyBy".
   */
  parallelism?: number;
  /**
   * Runs the exchange's tasks on worker threads instead of this one (needs `parallelism`): every
   * thread builds the job from a module, as Flink ships the job to its task managers. See
   * runtime/README.md, "keyBy on worker threads". @default all tasks on this thread
   */
  threads?: ExchangeThreads;
  /**
   * Key groups: the most keyed tasks the job's state can ever be spread over. Fixed for the life
   * of a job's checkpoints; `parallelism` may change between restarts. @default 128
   */
  maxParallelism?: number;
  /** Most records taken from one split per poll. @default 1000 */
  maxBatchSize?: number;
  /** Records in flight to asynchronous sinks above which a task stops polling. @default 10_000 */
  inFlightBudget?: number;
  /** First back-off after an empty poll, doubled up to `maxIdlePollDelayMs`. @default 20 */
  idlePollDelayMs?: number;
  /** @default 1_000 */
  maxIdlePollDelayMs?: number;
  /** Times a failed task is restarted from its last checkpoint before the job fails. @default 3 */
  restartAttempts?: number;
  /**
   * Ceiling of the first restart's back-off in ms; it doubles with each restart, with full jitter.
   * Only retryable failures restart: a failure whose error says `retryable: false` (a user function
   * that threw, state that cannot be restored) fails the job at once. @default 1_000
   */
  restartBackoffMs?: number;
  /** Largest restart back-off in ms. @default 30_000 */
  maxRestartBackoffMs?: number;
  clock?: Clock;
  logger?: Logger;
  metrics?: Metrics;
}
