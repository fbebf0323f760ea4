import type { Consumer } from 'kafkajs';
import type { Logger } from '@coattail/runtime';

/** What a {@link CrashRejoin} needs of its source. */
export interface CrashRejoinOptions {
  consumer: Consumer;
  log: Logger;
  /** The source was closed: never rejoin. */
  closed: () => boolean;
  /** Starts the consumer's fetch loop again (`consumer.run(...)` with the source's handlers). */
  run: () => Promise<void>;
  /** Back-off before the first rejoin, doubled per failed attempt up to `maxDelayMs`. @default 500 */
  initialDelayMs?: number;
  /** @default 30_000 */
  maxDelayMs?: number;
}

/**
 * Rejoins the group after a crash kafkajs does not restart from. kafkajs restarts its consumer
 * only when the crash's root cause says it is retriable; any other error (one the broker or the
 * group coordinator answered in a way kafkajs does not expect, during a join say) leaves the
 * consumer disconnected for good. The source would then hand out nothing while its job runs on —
 * a worker that never (re)joins its group, its partitions read by nobody once the group gives
 * them to it. So the source connects and runs the consumer again, with back-off, until it joins
 * or the source is closed, logging each crash with its cause. Once joined again, the source's
 * join handling treats the new member id as having lost every partition (see `KafkaSource`).
 */
export class CrashRejoin {
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: CrashRejoinOptions) {
    const { consumer } = o;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // A crash kafkajs counts as retriable it restarts from itself, unless `restartOnFailure`
      // (the source's: not once closed) said no.
      if (payload.restart || retriableByKafkajs(payload.error) || o.closed()) return;
      o.log.error(
        { err: payload.error, attempt: this.#attempt + 1 },
        'the Kafka consumer crashed with an error kafkajs does not restart from: joining the group again after a back-off',
      );
      this.#schedule();
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.#attempt = 0;
    });
  }

  /** Cancels a rejoin that is waiting for its back-off. */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    const { initialDelayMs = 500, maxDelayMs = 30_000 } = this.o;
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** this.#attempt++);
    this.cancel();
    this.#timer = setTimeout(() => void this.#rejoin(), delay);
  }

  async #rejoin(): Promise<void> {
    this.#timer = undefined;
    const { consumer, log, closed } = this.o;
    if (closed()) return;
    try {
      await consumer.connect();
      // Closed meanwhile: never start a consumer that `close()` could no longer stop.
      if (closed()) return;
      await this.o.run();
    } catch (error) {
      if (closed()) return;
      log.error(
        { err: error, attempt: this.#attempt },
        'joining the Kafka consumer group again failed: retrying after a back-off',
      );
      this.#schedule();
    }
  }
}

/** kafkajs's own test for restarting a crashed consumer (before it asks `restartOnFailure`). */
function retriableByKafkajs(error: Error): boolean {
  let root: unknown = error;
  while (typeof root === 'object' && root !== null && (root as { cause?: unknown }).cause !== undefined)
    root = (root as { cause?: unknown }).cause;
  return error.name === 'KafkaJSNumberOfRetriesExceeded' || (root as { retriable?: unknown }).retriable === true;
}
