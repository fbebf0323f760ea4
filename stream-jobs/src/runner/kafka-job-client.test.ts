import {
  IllegalStateError,
  RuntimeError,
  silentLogger,
  type JobClient,
  type JobResult,
  type Task,
} from '@coattail/runtime';
import { describe, expect, it } from 'vitest';
import { kafkaJobClient } from './kafka-input.js';

/** A job whose run ends with `outcome` once stopped, as the runtime's client does. */
function stoppedJob(outcome: Error | JobResult): JobClient {
  let end: () => void = () => undefined;
  const done = new Promise<JobResult>((resolve, reject) => {
    end = () => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
  });
  return {
    jobId: 'volume-anomaly',
    done,
    stop: () => {
      end();
      return done;
    },
    tasks: () => new Map<string, Task>(),
  };
}

function source() {
  const calls: string[] = [];
  return {
    calls,
    settled: (): Promise<void> => {
      calls.push('settled');
      return Promise.resolve();
    },
    close: (): Promise<void> => {
      calls.push('close');
      return Promise.resolve();
    },
  };
}

const options = { sessionTimeoutMs: 10, logger: silentLogger, flush: () => Promise.resolve() };

describe('a Kafka job stopped', () => {
  it('ends as stopped when its last checkpoint was refused because the group moved the partition away', async () => {
    const moved = new RuntimeError('KAFKA_PARTITION_NOT_ASSIGNED', 'partition 1 is not assigned to this worker');
    const refused = new IllegalStateError('task could not write its final checkpoint after 10 attempts', moved);
    const s = source();
    const client = kafkaJobClient(stoppedJob(refused), s, options);
    await expect(client.stop()).resolves.toEqual({ jobId: 'volume-anomaly', status: 'STOPPED', tasks: [] });
    expect(s.calls).toEqual(['settled', 'close']);
  });

  it('fails with any other error of its stop, and still leaves the group', async () => {
    const s = source();
    const client = kafkaJobClient(stoppedJob(new IllegalStateError('the store is down')), s, options);
    await expect(client.stop()).rejects.toThrow('the store is down');
    expect(s.calls).toEqual(['settled', 'close']);
  });
});
