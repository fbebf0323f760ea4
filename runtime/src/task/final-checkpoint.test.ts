import { describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../api/stream-environment.js';
import type { CheckpointStore } from '../checkpoint/checkpoint-store.js';
import { IllegalStateError, RuntimeError } from '../errors.js';
import { CollectSink } from '../sink/collect-sink.js';
import { InMemorySource } from '../source/in-memory-source.js';
import { WatermarkStrategy } from '../watermarks/watermark-strategy.js';
import { taskFor } from './task-test-kit.js';

/** A store that refuses every manifest as a fenced store does once the split went to another worker. */
class RefusingStore implements CheckpointStore {
  readonly objects = new Map<string, Uint8Array>();
  manifests = 0;
  /** Whether the refusal may pass (a rebalance under way) or is final (the split is another worker's). */
  constructor(private readonly retryable = true) {}
  put(key: string, body: Uint8Array): Promise<void> {
    if (key.endsWith('_manifest.json')) {
      this.manifests++;
      const retryable = this.retryable;
      return Promise.reject(new RuntimeError('SPLIT_MOVED', `${key}: the split is not ours`, { retryable }));
    }
    this.objects.set(key, body);
    return Promise.resolve();
  }
  get(key: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.objects.get(key));
  }
  list(prefix: string): Promise<string[]> {
    return Promise.resolve([...this.objects.keys()].filter((k) => k.startsWith(prefix)));
  }
  delete(keys: readonly string[]): Promise<void> {
    for (const k of keys) this.objects.delete(k);
    return Promise.resolve();
  }
}

const causes = (error: unknown): unknown[] => {
  const chain: unknown[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) chain.push(e);
  return chain;
};

describe('a final checkpoint the store keeps refusing', () => {
  it('fails the stop with the store’s refusal as its cause, so a caller can tell why', async () => {
    const env = StreamEnvironment.create();
    const source = new InMemorySource<number>([{ id: 's', records: [1, 2], open: true }]);
    env.fromSource(source, WatermarkStrategy.noWatermarks<number>()).sinkTo(new CollectSink<number>());
    const { task } = await taskFor(env.getJobGraph(), { store: new RefusingStore() });
    await task.open();
    await task.step();
    const stopped = await task.stop().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(stopped).toBeInstanceOf(IllegalStateError);
    expect((stopped as Error).message).toMatch(/could not write its final checkpoint after 10 attempts/);
    expect(causes(stopped).map((e) => (e as { code?: string }).code)).toContain('SPLIT_MOVED');
  });

  it('fails the stop at once when the refusal is final, instead of retrying what can never complete', async () => {
    const env = StreamEnvironment.create();
    const source = new InMemorySource<number>([{ id: 's', records: [1, 2], open: true }]);
    env.fromSource(source, WatermarkStrategy.noWatermarks<number>()).sinkTo(new CollectSink<number>());
    const store = new RefusingStore(false);
    const { task } = await taskFor(env.getJobGraph(), { store });
    await task.open();
    await task.step();
    const stopped = await task.stop().then(
      () => undefined,
      (error: unknown) => error,
    );
    // Not ten attempts with back-off in between (about 26 s of a stop): one.
    expect(store.manifests).toBe(1);
    expect((stopped as Error).message).toMatch(/after 1 attempt \(the store refuses it for good\)/);
    expect(causes(stopped).map((e) => (e as { code?: string }).code)).toContain('SPLIT_MOVED');
  });
});
