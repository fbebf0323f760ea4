import type { RunEvent } from '../openlineage-schema.js';

/**
 * Where lineage events go. `emit` resolves once the transport has taken responsibility for the
 * event (written, sent, queued or spooled to disk); a caller that awaits it feels back-pressure
 * when the transport is behind. Events leave a transport in the order they were emitted.
 */
export interface LineageTransport {
  emit(event: RunEvent): Promise<void>;
  /** Resolves when every event emitted so far has been delivered or made durable. */
  flush(): Promise<void>;
  /** Flushes, then releases timers and files; `emit` after `close` throws. */
  close(): Promise<void>;
}
