import { EventEmitter } from 'node:events';
import { extname } from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { FromWorker, ThreadInit, ToWorker } from './thread-protocol.js';
import { runThread } from './thread-runner.js';

/** A started thread, as the coordinator sees it: a Worker, or a loop on this thread. */
export interface ThreadHandle {
  postMessage(message: ToWorker): void;
  on(event: 'message', listener: (message: FromWorker) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): Promise<unknown>;
}

/** Starts a worker thread running `code` (by default the entry, see {@link workerCode}). */
export function startWorker(init: ThreadInit, transferList: MessagePort[], code = workerCode()): ThreadHandle {
  return new Worker(code, { eval: true, workerData: init, transferList, execArgv: workerExecArgv() });
}

/** True when this module, hence the thread entry, runs from TypeScript source. */
export const runsFromTypeScript = (): boolean => entry.pathname.endsWith('.ts');

/** A thread's loop on this thread; its exit is a message, so it comes after everything the loop said. */
export function startHere(init: ThreadInit): ThreadHandle {
  const { port1, port2 } = new MessageChannel();
  const events = new EventEmitter();
  port1.on('message', (message: FromWorker) =>
    message.type === 'exit' ? events.emit('exit', message.code) : events.emit('message', message),
  );
  const done = runThread(init, port2).then(() => port2.postMessage({ type: 'exit', code: 0 } satisfies FromWorker));
  return {
    postMessage: (message) => port1.postMessage(message),
    on: (event: string, listener: (arg: never) => void) => events.on(event, listener as (arg: unknown) => void),
    terminate: async () => (port1.close(), await done),
  };
}

/** The worker's entry, in the language this module runs in (TypeScript from source, JavaScript once built). */
const entry = new URL(`./thread-worker${extname(new URL(import.meta.url).pathname)}`, import.meta.url);

/** Loader flags of this process the threads need too (a TypeScript loader such as tsx); V8 flags are not allowed there. */
function workerExecArgv(): string[] {
  const kept: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (/^--(import|require|loader|experimental-loader|conditions)=/.test(arg)) kept.push(arg);
    else if (/^(--(import|require|loader|experimental-loader|conditions)|-r|-C)$/.test(arg) && i + 1 < argv.length)
      kept.push(arg, argv[++i]!);
  }
  return kept;
}

/**
 * The code a thread starts with: the entry, after registering tsx's loader when the entry is
 * TypeScript (run from source, as in tests and benchmarks; a loader given to this process with
 * `--import` does not reach worker threads on every Node version).
 */
function workerCode(): string {
  const load = `import(${JSON.stringify(entry.href)})`;
  if (!entry.pathname.endsWith('.ts')) return load;
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return `import(${tsx}).then(({ register }) => { register(); return ${load}; });`;
}
