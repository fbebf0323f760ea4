import { describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../api/stream-environment.js';
import type { JobClient, JobResult } from './job-client.js';
import { CollectSink } from '../sink/collect-sink.js';
import type { Source, SplitDescriptor } from '../source/source.js';
import { InMemorySource } from '../source/in-memory-source.js';
import { WatermarkStrategy } from '../watermarks/watermark-strategy.js';

/**
 * A source whose split listing waits until the test answers it, as a Kafka source's first listing
 * waits for its consumer to join the group (which may not happen while the group is unsettled).
 */
function slowListing(inner: Source<number>, answerFirst: boolean) {
  let calls = 0;
  const source: Source<number> = {
    name: inner.name,
    listSplits: async (): Promise<readonly SplitDescriptor[]> => {
      calls++;
      if (answerFirst && calls === 1) return inner.listSplits();
      return new Promise<readonly SplitDescriptor[]>(() => undefined);
    },
    createReader: (split, position) => inner.createReader(split, position),
  };
  return { source, listings: () => calls };
}

function job(source: Source<number>, dynamic: boolean): JobClient {
  const env = StreamEnvironment.create();
  env.fromSource(source, WatermarkStrategy.noWatermarks<number>()).sinkTo(new CollectSink<number>());
  return env.executeAsync({
    jobId: 'listing',
    checkpointIntervalMs: 0,
    idlePollDelayMs: 1,
    maxIdlePollDelayMs: 5,
    ...(dynamic ? { splitFilter: () => true, splitDiscoveryIntervalMs: 10 } : {}),
  });
}

/** The job's stop result, or 'still running' if it has not ended within `ms`. */
async function stopWithin(client: JobClient, ms: number): Promise<JobResult | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((resolve) => {
    timer = setTimeout(() => resolve('still running'), ms);
  });
  try {
    return await Promise.race([client.stop(), late]);
  } finally {
    clearTimeout(timer);
  }
}

const until = async (ok: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(ok()).toBe(true);
};

describe('stopping a job while its source lists splits', () => {
  it.each([
    ['splits assigned once', false],
    ['dynamic split assignment', true],
  ])('ends at once when the first listing never answers (%s)', async (_name, dynamic) => {
    const inner = new InMemorySource<number>([{ id: 'a', records: [1], open: true }]);
    const { source, listings } = slowListing(inner, false);
    const client = job(source, dynamic);
    await until(() => listings() === 1);
    const result = await stopWithin(client, 2_000);
    expect(result).toEqual({ jobId: 'listing', status: 'STOPPED', tasks: [] });
  });

  it('ends when a later listing for split discovery never answers, and its tasks stop', async () => {
    const inner = new InMemorySource<number>([{ id: 'a', records: [1], open: true }]);
    const { source, listings } = slowListing(inner, true);
    const client = job(source, true);
    await until(() => listings() >= 2 && client.tasks().get('a')?.status === 'RUNNING');
    const result = await stopWithin(client, 2_000);
    expect(result).not.toBe('still running');
    expect(result).toMatchObject({ status: 'STOPPED', tasks: [{ id: 'a', status: 'STOPPED' }] });
  });
});
