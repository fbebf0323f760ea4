import { deepStrictEqual, strictEqual } from 'node:assert/strict';
import type { CheckpointStore } from '../checkpoint/checkpoint-store.js';

const bytes = (s: string): Uint8Array => Buffer.from(s);
const text = (b: Uint8Array | undefined): string | undefined =>
  b === undefined ? undefined : Buffer.from(b).toString();

/**
 * The test runner's `describe` and `it` (vitest's, node:test's …): the kit asserts with node:assert
 * and imports no test framework, so nothing of one reaches a package that imports the runtime.
 */
export interface TestRunner {
  describe: (name: string, body: () => void) => unknown;
  it: (name: string, body: () => Promise<void>) => unknown;
}

/**
 * The behaviour every {@link CheckpointStore} must have, as one suite to run against each
 * implementation (local folder here, S3 in the connectors), in the manner of Kysely's
 * one-suite-for-every-dialect tests.
 */
export function describeCheckpointStoreContract(
  name: string,
  create: () => Promise<CheckpointStore> | CheckpointStore,
  { describe, it }: TestRunner,
): void {
  describe(`CheckpointStore contract: ${name}`, () => {
    it('reads back what it wrote, byte for byte', async () => {
      const store = await create();
      const body = new Uint8Array([0, 1, 2, 250, 255]);
      await store.put('job/task/chk-1/state.json', body);
      deepStrictEqual(Buffer.from((await store.get('job/task/chk-1/state.json'))!), Buffer.from(body));
    });

    it('answers undefined for a key that was never written', async () => {
      const store = await create();
      strictEqual(await store.get('job/none/chk-1/state.json'), undefined);
    });

    it('overwrites an existing key whole', async () => {
      const store = await create();
      await store.put('job/t/k', bytes('first version, longer'));
      await store.put('job/t/k', bytes('second'));
      strictEqual(text(await store.get('job/t/k')), 'second');
    });

    it('lists exactly the keys under a prefix', async () => {
      const store = await create();
      await store.put('jobA/t1/chk-1/state.json', bytes('a'));
      await store.put('jobA/t1/chk-1/_manifest.json', bytes('b'));
      await store.put('jobA/t2/chk-1/state.json', bytes('c'));
      await store.put('jobB/t1/chk-1/state.json', bytes('d'));
      deepStrictEqual((await store.list('jobA/t1/')).sort(), [
        'jobA/t1/chk-1/_manifest.json',
        'jobA/t1/chk-1/state.json',
      ]);
      strictEqual((await store.list('jobA/')).length, 3);
      deepStrictEqual(await store.list('jobC/'), []);
    });

    it('deletes keys and ignores keys that do not exist', async () => {
      const store = await create();
      await store.put('job/t/a', bytes('a'));
      await store.put('job/t/b', bytes('b'));
      await store.delete(['job/t/a', 'job/t/missing']);
      strictEqual(await store.get('job/t/a'), undefined);
      strictEqual(text(await store.get('job/t/b')), 'b');
    });
  });
}
