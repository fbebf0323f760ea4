import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LineageError } from '../errors.js';
import type { RunEvent } from '../openlineage-schema.js';
import type { LineageTransport } from './transport.js';

/**
 * Appends each event as one JSON line to a file: the lineage store the query API reads
 * (`LineageIndex.fromJsonl`). Writes are chained so lines keep the emission order; `emit`
 * resolves when its line is on disk.
 */
export function createJsonlTransport(options: { path: string }): LineageTransport {
  let tail: Promise<void> = mkdir(dirname(options.path), { recursive: true }).then(() => undefined);
  let closed = false;
  return {
    emit(event: RunEvent) {
      if (closed) return Promise.reject(new LineageError(`lineage file ${options.path} is closed`));
      const line = `${JSON.stringify(event)}\n`;
      tail = tail.then(() => appendFile(options.path, line));
      return tail;
    },
    flush: () => tail,
    async close() {
      closed = true;
      await tail;
    },
  };
}
