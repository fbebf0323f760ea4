/** The entry of a worker thread of an exchange job (see thread-runner.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import type { ThreadInit } from './thread-protocol.js';
import { runThread } from './thread-runner.js';

await runThread(workerData as ThreadInit, parentPort!);
parentPort!.close();
