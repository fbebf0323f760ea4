import type { JobGraph } from '../../api/graph.js';
import { TaskCheckpoints } from '../../checkpoint/checkpoint-storage.js';
import { systemClock } from '../../clock.js';
import { JobDefinitionError } from '../../errors.js';
import { silentLogger } from '../../observability/logger.js';
import { noopMetrics } from '../../observability/metrics.js';
import { isRetryable } from '../../retry/retry.js';
import { Channel } from '../channel.js';
import { loadTaskPart } from '../exchange-checkpoints.js';
import { planStages } from '../exchange-plan.js';
import { buildExchangeTasks, keyedTaskId, sourceTaskPlan, type TaskPlacement } from '../exchange-wiring.js';
import { ThreadLink } from './thread-link.js';
import { PortCheckpointStore, type FromWorker, type ThreadInit, type ToWorker } from './thread-protocol.js';

/** The port to the coordinator: a worker's parentPort, or one end of a channel in this thread. */
export interface ControlPort {
  postMessage(message: FromWorker): void;
  on(event: 'message', listener: (message: ToWorker) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

/**
 * What a worker thread of an exchange job does (thread-worker.ts is its entry): builds the job
 * from its module, runs its share of the tasks (channels to the other threads over MessagePorts),
 * and does what the coordinator says between two passes of its task loop: checkpoint, commit,
 * close. A failure is reported to the coordinator with its message; the promise never rejects.
 * It also ends when the control port closes (the coordinator gave up on it).
 */
export async function runThread(init: ThreadInit, control: ControlPort): Promise<void> {
  const post = (message: FromWorker): void => control.postMessage(message);
  const store = init.hasStore ? new PortCheckpointStore(post) : undefined;
  const commands: ToWorker[] = [];
  let wake: (() => void) | undefined;
  /** Something arrived since the loop last looked: it must not wait. */
  let woken = false;
  const wakeUp = (): void => {
    woken = true;
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  control.on('message', (message: ToWorker) => {
    if (message.type === 'store-reply') store?.reply(message);
    else commands.push(message);
    wakeUp();
  });
  control.on('close', () => {
    store?.abandon();
    commands.push({ type: 'close' });
    wakeUp();
  });
  try {
    await run(init, {
      post,
      store,
      commands,
      wakeUp,
      woken: () => woken,
      clearWoken: () => (woken = false),
      wait: (ms) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          wake = () => (clearTimeout(timer), resolve());
        }),
    });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ type: 'error', message: e.message, name: e.name, retryable: isRetryable(error) });
  }
}

interface Loop {
  post: (message: FromWorker) => void;
  store: PortCheckpointStore | undefined;
  commands: ToWorker[];
  wakeUp: () => void;
  woken: () => boolean;
  clearWoken: () => void;
  /** Waits `ms`, or less if something arrives. */
  wait: (ms: number) => Promise<void>;
}

/** Which thread runs each task: source task `i` and keyed task `i` of each stage on thread `i mod threads`. */
function owners(init: ThreadInit, sourceIds: readonly string[], stages: number): Map<string, number> {
  const owner = new Map<string, number>();
  sourceIds.forEach((id, i) => owner.set(id, i % init.threads));
  for (let s = 1; s < stages; s++)
    for (let d = 0; d < init.parallelism; d++) owner.set(keyedTaskId(s, d), d % init.threads);
  return owner;
}

/** Job modules already loaded in this thread (a bundle started it), by the address the job gives. */
const preloaded = new Map<string, Record<string, unknown>>();

/** Makes `module` the job module at address `address` in this thread, instead of importing it. */
export function preloadJobModule(address: string, module: Record<string, unknown>): void {
  preloaded.set(address, module);
}

async function buildGraph(init: ThreadInit): Promise<JobGraph> {
  const module = preloaded.get(init.job.module) ?? ((await import(init.job.module)) as Record<string, unknown>);
  const factory = module[init.job.export];
  if (typeof factory !== 'function')
    throw new JobDefinitionError(`job module ${init.job.module} has no function export '${init.job.export}'`);
  const built = (await (factory as (args: unknown) => unknown)(init.job.args)) as
    JobGraph | { getJobGraph(): JobGraph };
  const graph = 'getJobGraph' in built ? built.getJobGraph() : built;
  const nodes = graph.nodes.map((n) => n.id);
  if (nodes.join('\n') !== init.nodes.join('\n'))
    throw new JobDefinitionError(
      `the job built on worker thread ${init.index} from '${init.job.export}' of ${init.job.module} is not the job given ` +
        `to the coordinator (operators ${nodes.join(', ')} instead of ${init.nodes.join(', ')}): the factory must build ` +
        'the same graph in every thread (same operators, same uids) from its arguments alone.',
    );
  return graph;
}

async function run(init: ThreadInit, loop: Loop): Promise<void> {
  const { post, store, commands, wakeUp } = loop;
  const graph = await buildGraph(init);
  const stages = planStages(graph);
  const owner = owners(init, [...sourceTaskPlan(init.roots, init.marker).keys()], stages.length);
  const links = new Map(
    init.links.map(([peer, port]) => [peer, new ThreadLink(port, wakeUp, init.records ?? 'bytes')]),
  );
  const here = (taskId: string): boolean => owner.get(taskId) === init.index;
  const placement: TaskPlacement = {
    owns: here,
    channel: (name, from, to) => {
      if (here(from) && here(to)) {
        const channel = new Channel(name);
        return { sender: channel, receiver: channel };
      }
      if (here(from)) return { sender: links.get(owner.get(to)!)!.sender(name) };
      return { receiver: links.get(owner.get(from)!)!.receiver(name) };
    },
  };
  const storage = (taskId: string): TaskCheckpoints | undefined =>
    store ? new TaskCheckpoints(store, init.jobId, taskId, init.retainCheckpoints ?? 3) : undefined;
  const options = {
    jobId: init.jobId,
    ...(init.maxBatchSize === undefined ? {} : { maxBatchSize: init.maxBatchSize }),
    ...(init.inFlightBudget === undefined ? {} : { inFlightBudget: init.inFlightBudget }),
  };
  const marker = init.marker;
  const tasks = await buildExchangeTasks({
    graph,
    options,
    stages,
    parallelism: init.parallelism,
    maxParallelism: init.maxParallelism,
    clock: systemClock,
    logger: silentLogger,
    metrics: noopMetrics,
    storage,
    roots: init.roots,
    placement,
    onWritten: (taskId, id, bytes) => post({ type: 'written', taskId, id, bytes }),
    restored:
      marker === undefined
        ? undefined
        : {
            marker,
            load: (taskId) => loadTaskPart(storage(taskId), marker, taskId),
          },
  });
  const reported = new Set<string>();
  const reportFinished = (): void => {
    for (const task of tasks.all)
      if (task.finished && !reported.has(task.id)) {
        reported.add(task.id);
        post({ type: 'finished', taskId: task.id });
      }
  };
  const flush = (): void => {
    for (const link of links.values()) link.flush();
  };
  let closed = false;
  let idleDelay = init.idlePollDelayMs ?? 20;
  try {
    for (const task of tasks.all) await task.recommit();
    post({ type: 'ready' });
    for (;;) {
      loop.clearWoken();
      let progressed = false;
      for (let command = commands.shift(); command !== undefined; command = commands.shift()) {
        progressed = true;
        if (command.type === 'checkpoint')
          for (const source of tasks.sources)
            tasks.markWritten(source.id, command.id, await source.checkpoint(command.id));
        else if (command.type === 'final')
          for (const task of tasks.all) tasks.markWritten(task.id, command.id, await task.finalCheckpoint(command.id));
        else if (command.type === 'commit') {
          for (const task of tasks.all) await task.commit();
          for (const task of tasks.all) await storage(task.id)?.prune();
          post({ type: 'committed', id: command.id });
        } else if (command.type === 'close') {
          flush();
          closed = true;
          return;
        }
      }
      for (const task of tasks.all) if ((await task.step()) === 'progress') progressed = true;
      reportFinished();
      flush();
      if (progressed) {
        idleDelay = init.idlePollDelayMs ?? 20;
        // Let messages from the other threads in: they arrive only while this loop waits.
        await new Promise((resolve) => setImmediate(resolve));
      } else if (commands.length === 0 && !loop.woken()) {
        await loop.wait(idleDelay);
        idleDelay = Math.min(idleDelay * 2, init.maxIdlePollDelayMs ?? 1_000);
      }
    }
  } finally {
    for (const task of tasks.all) await task.close().catch(() => undefined);
    if (closed) post({ type: 'closed', tasks: tasks.all.map((t) => ({ id: t.id, watermark: t.watermark })) });
    for (const link of links.values()) link.close();
  }
}
