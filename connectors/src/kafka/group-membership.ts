import type { Consumer } from 'kafkajs';
import type { Logger } from '@coattail/runtime';

/**
 * How a `KafkaSource` leaves its consumer group without leaving a member behind.
 *
 * kafkajs's `disconnect()` while its consumer is joining (the first join, or the one after it
 * restarted a crashed consumer) returns at once and stops nothing: the join completes afterwards
 * and that consumer fetches and heartbeats on, a member nobody can stop any more. The group keeps
 * giving it partitions that no worker reads, so a worker stopped at that moment took their output
 * with it for as long as its process lived. So `leave()` first waits for a join under way to end
 * (bounded), and a join that still completes after the disconnect is disconnected again.
 */
export class GroupMembership {
  /** The consumer's current incarnation completed its join (kafkajs then fetches until it stops or crashes). */
  #joined = false;
  #left = false;

  constructor(
    private readonly consumer: Consumer,
    private readonly log: Logger,
    /** How long `leave()` waits for a join under way: the group's rebalance and session timeouts. */
    private readonly maxJoinMs: number,
  ) {
    consumer.on(consumer.events.GROUP_JOIN, () => {
      // kafkajs marks its consumer running only once the join call that emitted this has returned.
      setImmediate(() => {
        this.#joined = true;
        if (this.#left) void this.#disconnect('a join completed after the consumer left: leaving again');
      });
    });
    consumer.on(consumer.events.CRASH, () => {
      this.#joined = false;
    });
  }

  /** Leaves the group and disconnects, once no join is under way (or after `maxJoinMs`). */
  async leave(): Promise<void> {
    const until = Date.now() + this.maxJoinMs;
    while (this.#joining() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    if (this.#joining())
      this.log.warn(
        { waitedMs: this.maxJoinMs },
        'leaving while the consumer is still joining its group: its partitions may stay with it until its process exits',
      );
    this.#left = true;
    await this.consumer.disconnect();
  }

  /**
   * kafkajs has a consumer incarnation (between `run()` and its stop or crash) that has not yet
   * completed its join. `pause([])` pauses nothing and throws only when there is no incarnation.
   */
  #joining(): boolean {
    if (this.#joined) return false;
    try {
      this.consumer.pause([]);
      return true;
    } catch {
      return false;
    }
  }

  async #disconnect(why: string): Promise<void> {
    this.log.warn({}, why);
    await this.consumer
      .disconnect()
      .catch((error: unknown) => this.log.warn({ err: error }, 'leaving the consumer group failed'));
  }
}
