import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { Logger } from '@coattail/runtime';
import { CrashRejoin } from './crash-rejoin.js';
import { GroupMembership } from './group-membership.js';
import { GroupSession } from './group-session.js';
import type { KafkaSourceOptions } from './kafka-source-options.js';

/**
 * The kafkajs consumer a `KafkaSource` reads with. kafkajs restarts a consumer whose join or
 * fetch failed, also one disconnected while it was joining; once the source is `closed` it does
 * not, so a stopped worker never rejoins its group (and takes partitions nobody then reads).
 */
export function groupConsumer<T>(o: KafkaSourceOptions<T>, closed: () => boolean): Consumer {
  const retry = o.consumer?.retry;
  return o.kafka.consumer({
    groupId: o.groupId,
    maxWaitTimeInMs: 250,
    ...o.consumer,
    retry: {
      ...retry,
      restartOnFailure: async (error) =>
        !closed() && (retry?.restartOnFailure === undefined || (await retry.restartOnFailure(error))),
    },
  });
}

/** What the source does on its consumer's group events. */
export interface GroupHandlers {
  /** A rebalance began: hand out nothing until the next join. */
  onRebalancing: () => void;
  /** A join completed with these partitions of the topic, as this member. */
  onJoin: (partitions: readonly number[], memberId: string) => void;
  onBatch: (payload: EachBatchPayload) => void;
}

/**
 * A `KafkaSource`'s membership in its consumer group: the kafkajs consumer, how it leaves without
 * leaving a member behind (`GroupMembership`), whether its session may have lapsed
 * (`GroupSession`), and its rejoin after crashes kafkajs does not restart from (`CrashRejoin`).
 */
export class GroupConnection {
  readonly consumer: Consumer;
  readonly session: GroupSession;
  readonly #membership: GroupMembership;
  readonly #rejoin: CrashRejoin;
  readonly #joined: Promise<void>;
  readonly #run: () => Promise<void>;

  constructor(
    private readonly o: KafkaSourceOptions<unknown>,
    log: Logger,
    private readonly closed: () => boolean,
    handlers: GroupHandlers,
  ) {
    const consumer = (this.consumer = groupConsumer(o, closed));
    const { rebalanceTimeout = 60_000, sessionTimeout = 30_000 } = o.consumer ?? {};
    this.#membership = new GroupMembership(consumer, log, rebalanceTimeout + sessionTimeout);
    this.session = new GroupSession(consumer, sessionTimeout);
    this.#joined = new Promise<void>((resolve) => {
      consumer.on(consumer.events.REBALANCING, handlers.onRebalancing);
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        handlers.onJoin(e.payload.memberAssignment[o.topic] ?? [], e.payload.memberId);
        resolve();
      });
    });
    const run = (this.#run = () =>
      consumer.run({ autoCommit: false, eachBatch: (payload) => Promise.resolve(handlers.onBatch(payload)) }));
    this.#rejoin = new CrashRejoin({ consumer, log, closed, run, ...o.rejoin });
  }

  /** Connects, subscribes and runs the consumer; resolves once it first joined the group. */
  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.o.topic, fromBeginning: this.o.fromBeginning ?? true });
    // Closed meanwhile: never start a consumer that `close()` could no longer stop.
    if (this.closed()) return;
    await this.#run();
    await this.#joined;
  }

  /** Leaves the group and disconnects; a pending rejoin is cancelled. */
  async leave(): Promise<void> {
    this.#rejoin.cancel();
    await this.#membership.leave();
  }
}
