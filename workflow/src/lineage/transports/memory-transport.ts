import { runEventSchema, type RunEvent } from '../openlineage-schema.js';
import type { LineageTransport } from './transport.js';

/**
 * Keeps events in memory, each parsed with the OpenLineage 2-0-2 schema as it arrives (an
 * event that does not conform throws at the `emit` that produced it). For tests of code that
 * emits lineage, and for building a `LineageIndex` without a store.
 */
export function createMemoryTransport(): LineageTransport & { readonly events: RunEvent[] } {
  const events: RunEvent[] = [];
  return {
    events,
    emit(event: RunEvent) {
      return Promise.resolve().then(() => {
        events.push(runEventSchema.parse(event));
      });
    },
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
