import { join, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { RunListener } from '@coattail/workflow';

/** Where a run's OpenLineage events go, and how to say so to the user. */
export interface LineageSink {
  listener: RunListener | undefined;
  /** One line for the end of a run: where the events are. */
  description: string;
  close(): Promise<void>;
}

/** The JSONL lineage store under a state folder: what `coattail workflow lineage` reads by default. */
export function defaultLineageFile(stateDir: string): string {
  return join(stateDir, 'lineage', 'events.jsonl');
}

/**
 * Opens the lineage transport `--lineage` names: `file` (default, the JSONL store under the state
 * folder), a path ending in `.jsonl`, `console` (one JSON line per event on stderr, so stdout
 * stays the run report), an `http://` OpenLineage endpoint such as Marquez's
 * `/api/v1/lineage` (spooled under the state folder while it is down), or `off`.
 */
export async function openLineage(target: string, stateDir: string): Promise<LineageSink> {
  if (target === 'off') return { listener: undefined, description: 'lineage: off', close: () => Promise.resolve() };
  const wf = await import('@coattail/workflow');
  let transport;
  let description: string;
  if (target === 'console') {
    transport = wf.createConsoleTransport({ write: (line) => void process.stderr.write(line) });
    description = 'lineage: OpenLineage events printed on stderr';
  } else if (target.startsWith('http://')) {
    const spoolPath = join(stateDir, 'lineage', 'http-spool.jsonl');
    transport = wf.createHttpTransport({ url: target, spoolPath });
    description = `lineage: OpenLineage events posted to ${target} (spooled in ${spoolPath} while it is down)`;
  } else {
    const path = target === 'file' ? defaultLineageFile(stateDir) : resolve(target);
    transport = wf.createJsonlTransport({ path });
    description = `lineage: ${path} (query it with coattail workflow lineage <dataset> --upstream)`;
  }
  const emitter = wf.createLineageEmitter({ transport });
  return { listener: wf.lineageListener(emitter), description, close: () => emitter.close() };
}

/** Validates `--lineage`: refuses what is none of the transports instead of guessing. */
export function lineageTarget(value: string): string {
  if (value.startsWith('https://'))
    throw new InvalidArgumentError(
      `--lineage '${value}': the lineage transport speaks plain http://; reach a TLS endpoint through a local proxy or sidecar`,
    );
  if (['off', 'console', 'file'].includes(value) || /^http:\/\/\S+$/.test(value) || value.endsWith('.jsonl'))
    return value;
  throw new InvalidArgumentError(
    `--lineage '${value}' is not a lineage target: use file (default), a path ending in .jsonl, console, an http:// OpenLineage endpoint, or off`,
  );
}
