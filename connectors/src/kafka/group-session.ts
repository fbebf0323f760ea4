import type { Consumer } from 'kafkajs';

/**
 * Whether this worker can still count on the partitions of its last join. A member the group
 * coordinator has not heard from within the session timeout may have been evicted, its partitions
 * given to another worker (its process was paused or starved, its network cut); it learns so only
 * from its next heartbeat. Kafka's own consumers assume the worst meanwhile, and so does the source:
 * it hands out nothing and the fence refuses checkpoints until a heartbeat succeeds or the consumer
 * joins again. Counted from when the last successful heartbeat (or join) was sent, not answered:
 * an answer read after a long pause says nothing about the time since.
 */
export class GroupSession {
  #contact = Number.NEGATIVE_INFINITY;
  #heartbeatSent = Number.NEGATIVE_INFINITY;
  #syncSent = Number.NEGATIVE_INFINITY;

  constructor(
    consumer: Consumer,
    private readonly sessionTimeoutMs: number,
  ) {
    // kafkajs reports a request when its answer arrives, before it reads it; a failed heartbeat
    // or join is not followed by HEARTBEAT or GROUP_JOIN.
    consumer.on(consumer.events.REQUEST, ({ payload }) => {
      if (payload.apiName === 'Heartbeat') this.#heartbeatSent = payload.sentAt;
      else if (payload.apiName === 'SyncGroup') this.#syncSent = payload.sentAt;
    });
    consumer.on(consumer.events.HEARTBEAT, () => {
      this.#contact = Math.max(this.#contact, this.#heartbeatSent);
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.#contact = Math.max(this.#contact, this.#syncSent);
    });
  }

  /** The session may have expired: nothing proves this member still holds its partitions. */
  get lapsed(): boolean {
    return Date.now() - this.#contact > this.sessionTimeoutMs;
  }
}
