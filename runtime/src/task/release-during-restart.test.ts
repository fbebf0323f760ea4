import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../api/stream-environment.js';
import { LocalCheckpointStore } from '../checkpoint/local-checkpoint-store.js';
import { systemClock, type Clock } from '../clock.js';
import { TransactionalCollectSink } from '../sink/collect-sink.js';
import type { Sink } from '../sink/sink.js';
import { InMemorySource } from '../source/in-memory-source.js';
import { WatermarkStrategy } from '../watermarks/watermark-strategy.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** Wall-clock time, except that a restart back-off (set far beyond anything else here) lasts 300 ms. */
const backOff300: Clock = {
  now: () => systemClock.now(),
  sleep: (ms, signal) => systemClock.sleep(ms > 100_000 ? 300 : ms, signal),
};

describe('a split released while its failed task waits to restart', () => {
  it('is released, so the worker starts it again when it owns the split again, from its last checkpoint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'release-restart-'));
    dirs.push(dir);
    const owned = new Set(['a']);
    const committed = new TransactionalCollectSink<string>();
    let failures = 1;
    // The sink fails once (a timeout, say), and the split moves to another worker while the task backs off.
    const flaky: Sink<string> = {
      name: 'flaky',
      createWriter: (ctx) => {
        const inner = committed.createWriter(ctx);
        return {
          ...inner,
          write: (values, ts) => {
            if (values.includes('a2') && failures-- > 0) {
              owned.delete('a');
              return Promise.reject(new Error('sink timed out'));
            }
            return inner.write(values, ts);
          },
        };
      },
    };
    const source = new InMemorySource([{ id: 'a', records: ['a1'], open: true }]);
    const env = StreamEnvironment.create();
    env.fromSource(source, WatermarkStrategy.noWatermarks<string>()).sinkTo(flaky);
    const job = env.executeAsync({
      jobId: 'release-restart',
      checkpointStore: new LocalCheckpointStore(dir),
      checkpointIntervalMs: 10,
      splitFilter: (s) => owned.has(s.id),
      splitDiscoveryIntervalMs: 20,
      idlePollDelayMs: 5,
      maxIdlePollDelayMs: 10,
      restartBackoffMs: 1e9,
      maxRestartBackoffMs: 1e9,
      clock: backOff300,
    });
    const until = async (what: string, ok: () => boolean): Promise<void> => {
      for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(ok(), what).toBe(true);
    };
    try {
      await until('a1 committed', () => committed.committed.includes('a1'));
      source.push('a', 'a2');
      await until('the task released', () => job.tasks().get('a')?.status === 'RELEASED');
      owned.add('a'); // the split comes back to this worker
      source.push('a', 'a3');
      await until('a3 committed', () => committed.committed.includes('a3'));
      expect(committed.committed).toEqual(['a1', 'a2', 'a3']);
    } finally {
      await job.stop();
    }
  });
});
