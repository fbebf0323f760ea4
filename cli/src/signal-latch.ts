/**
 * The stop signals of a long-running command, caught from its first instant. ECS sends SIGTERM
 * whenever a deployment replaces a task — possibly while the process is still loading its modules
 * or creating its lease table, long before the job exists to stop. The latch remembers the signal
 * so the command, once it gets there, stops cleanly (final checkpoint, leases handed over) instead
 * of dying half-started. A second signal forces the exit.
 */
type StopListener = (signal: NodeJS.Signals) => void;

let received: NodeJS.Signals | undefined;
let installed = false;
const listeners = new Set<StopListener>();

/** Starts catching SIGTERM and SIGINT (once per process; later calls do nothing). */
export function installSignalLatch(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.on(signal, () => {
      if (received !== undefined) {
        console.error(`coattail: ${signal} again while stopping after ${received}: exiting without waiting`);
        process.exit(1);
      }
      received = signal;
      for (const listener of listeners) listener(signal);
    });
}

/** The stop signal received so far, if any. */
export function stopSignal(): NodeJS.Signals | undefined {
  return received;
}

/** Calls `listener` on the stop signal, at once if it already came. */
export function onStopSignal(listener: StopListener): void {
  if (received !== undefined) listener(received);
  else listeners.add(listener);
}
