import { pathToFileURL } from 'node:url';
import { LocalCheckpointStore } from '@coattail/runtime';
import type { ObjectStore } from './object-store.js';

/** An {@link ObjectStore} in a local folder; writes are atomic (temporary file, then rename). */
export class LocalObjectStore extends LocalCheckpointStore implements ObjectStore {
  get location(): string {
    return pathToFileURL(this.root).href;
  }
}
