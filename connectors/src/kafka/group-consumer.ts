import type { Consumer } from 'kafkajs';
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
