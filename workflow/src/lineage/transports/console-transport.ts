import type { RunEvent } from '../openlineage-schema.js';
import type { LineageTransport } from './transport.js';

/** Options of {@link createConsoleTransport}. */
export interface ConsoleTransportOptions {
  /** Receives one JSON line per event. @default writes to standard output */
  write?: (line: string) => void;
}

/** Prints each event as one JSON line: for local runs and for piping into `jq`. */
export function createConsoleTransport(options: ConsoleTransportOptions = {}): LineageTransport {
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  return {
    emit(event: RunEvent) {
      write(`${JSON.stringify(event)}\n`);
      return Promise.resolve();
    },
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
