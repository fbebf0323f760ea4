import { join } from 'node:path';
import { LocalObjectStore, type ObjectStore } from '@coattail/connectors';
import { describe, expect, it } from 'vitest';
import { StageRegistry } from '../src/stages/registry.js';
import { loaded, tempDir, testOrchestrator } from './helpers.js';

/**
 * A real local object store behind a switch: while `down`, every call fails as S3 does when it is
 * unreachable. (S3 itself cannot be taken down here; the store behind the switch is real.)
 */
class SwitchableStore implements ObjectStore {
  down = false;
  puts = 0;
  constructor(private readonly inner: LocalObjectStore) {}
  get location() {
    return this.inner.location;
  }
  #check(): void {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4569'), { code: 'ECONNREFUSED' });
  }
  async put(key: string, body: Uint8Array) {
    this.#check();
    this.puts++;
    return this.inner.put(key, body);
  }
  async get(key: string) {
    this.#check();
    return this.inner.get(key);
  }
  async list(prefix: string) {
    this.#check();
    return this.inner.list(prefix);
  }
  async delete(keys: readonly string[]) {
    this.#check();
    return this.inner.delete(keys);
  }
}

async function setup(outageAfterPuts: number, retries: number) {
  const store = new SwitchableStore(new LocalObjectStore(join(await tempDir('wf-out-'), 'bucket')));
  for (let i = 0; i < 10; i++) await store.put(`raw/${i}.json`, new TextEncoder().encode(`{"i":${i}}`));
  store.puts = 0;
  let outageStarted = false;
  const registry = new StageRegistry([
    {
      name: 'copy-objects',
      description: 'copies raw/ to curated/ under the same keys, skipping what is already there',
      run: async () => {
        let copied = 0;
        for (const key of (await store.list('raw/')).sort()) {
          const target = key.replace('raw/', 'curated/');
          if ((await store.get(target)) !== undefined) continue;
          if (store.puts === outageAfterPuts && !outageStarted) store.down = outageStarted = true;
          await store.put(target, (await store.get(key)) ?? new Uint8Array());
          copied++;
        }
        return { summary: `${copied} copied` };
      },
    },
  ]);
  const t = await testOrchestrator(registry, {
    sleep: () => {
      store.down = false; // the outage is over by the time the back-off has passed
      return Promise.resolve();
    },
  });
  const pipeline = loaded({ pipeline: 'copy', stages: [{ id: 'copy', type: 'copy-objects', retries }] }, registry);
  return { ...t, store, pipeline };
}

describe('object store unavailable for part of a run (end to end)', () => {
  it('retries through the outage; every object lands once', async () => {
    const { store, pipeline, orchestrator } = await setup(4, 3);
    const summary = await orchestrator.run(pipeline);
    expect(summary.status).toBe('SUCCEEDED');
    expect(summary.stages.copy?.attempts.map((a) => a.status)).toEqual(['FAILED', 'SUCCEEDED']);
    expect(summary.stages.copy?.attempts[0]?.error).toContain('ECONNREFUSED');
    expect((await store.list('curated/')).length).toBe(10);
    expect(store.puts).toBe(10);
  });

  it('fails when the outage outlasts the retries, and a resume finishes without writing anything twice', async () => {
    const { store, pipeline, orchestrator } = await setup(6, 0);
    const failed = await orchestrator.run(pipeline);
    expect(failed.status).toBe('FAILED');
    expect(store.puts).toBe(6);
    store.down = false;
    const resumed = await orchestrator.resume(failed.runId);
    expect(resumed.status).toBe('SUCCEEDED');
    expect(resumed.stages.copy?.result?.summary).toBe('4 copied');
    expect(store.puts).toBe(10);
    expect((await store.list('curated/')).length).toBe(10);
  });
});
