import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalCheckpointStore } from '@coattail/runtime';
import type { ObjectInfo, ObjectStore } from './object-store.js';

/** An {@link ObjectStore} in a local folder; writes are atomic (temporary file, then rename). */
export class LocalObjectStore extends LocalCheckpointStore implements ObjectStore {
  get location(): string {
    return pathToFileURL(this.root).href;
  }

  async listDetailed(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    for (const key of await this.list(prefix)) {
      // Deleted between the listing and the stat: no longer part of the listing.
      const info = await stat(join(this.root, key)).catch(() => undefined);
      if (info) out.push({ key, lastModifiedMs: info.mtimeMs, sizeBytes: info.size });
    }
    return out;
  }
}
