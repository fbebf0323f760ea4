import { describe, expect, it } from 'vitest';
import type { MetadataPointerStore } from '../src/catalog/pointer-store.js';
import { CommitConflictError, TableAlreadyExistsError } from '../src/errors.js';

/** The behaviour every MetadataPointerStore must have; run against each implementation. */
export function describePointerStoreContract(name: string, make: () => Promise<MetadataPointerStore>): void {
  describe(`${name} (MetadataPointerStore contract)`, () => {
    const id = { namespace: 'db', name: 't' };

    it('creates a pointer once and refuses a second create', async () => {
      const store = await make();
      expect(await store.get(id)).toBeUndefined();
      await store.create(id, 'file:///w/db/t/metadata/00000-a.metadata.json');
      expect(await store.get(id)).toBe('file:///w/db/t/metadata/00000-a.metadata.json');
      await expect(store.create(id, 'file:///other')).rejects.toThrow(TableAlreadyExistsError);
      expect(await store.list('db')).toEqual([id]);
    });

    it('swaps only from the expected location', async () => {
      const store = await make();
      await store.create(id, 'file:///w/db/t/metadata/00000-a.metadata.json');
      await store.swap(
        id,
        'file:///w/db/t/metadata/00000-a.metadata.json',
        'file:///w/db/t/metadata/00001-b.metadata.json',
      );
      await expect(
        store.swap(
          id,
          'file:///w/db/t/metadata/00000-a.metadata.json',
          'file:///w/db/t/metadata/00001-c.metadata.json',
        ),
      ).rejects.toThrow(CommitConflictError);
      expect(await store.get(id)).toBe('file:///w/db/t/metadata/00001-b.metadata.json');
    });

    it('lets exactly one of many concurrent swaps from the same base win', async () => {
      const store = await make();
      await store.create(id, 'file:///w/db/t/metadata/00000-a.metadata.json');
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) =>
          store.swap(
            id,
            'file:///w/db/t/metadata/00000-a.metadata.json',
            `file:///w/db/t/metadata/00001-${i}.metadata.json`,
          ),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected').every((r) => r.reason instanceof CommitConflictError)).toBe(
        true,
      );
    });

    it('drops a table', async () => {
      const store = await make();
      await store.create(id, 'file:///w/db/t/metadata/00000-a.metadata.json');
      await store.drop(id);
      expect(await store.get(id)).toBeUndefined();
      expect(await store.list('db')).toEqual([]);
    });
  });
}
