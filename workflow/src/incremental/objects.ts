import type { InputChanges } from './changes.js';
import type { ObjectState } from './state.js';

/** One object of a listing: S3's key, size and ETag (or a local file's content hash). */
export interface ObjectInfo {
  key: string;
  size: number;
  etag: string;
  /** Local files: modification time, remembered so the next listing can skip hashing untouched files. */
  mtimeMs?: number;
}

function folderOf(key: string): string {
  const i = key.lastIndexOf('/');
  return i < 0 ? '' : key.slice(0, i + 1);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Compares a listing with what was consumed last time. An object re-uploaded with the same bytes
 * keeps its ETag and size, so it is no work. With `completeMarker`, objects of a folder that has
 * no marker yet are a partial delivery: they wait, and are neither processed nor remembered, so
 * the run after the marker lands picks the whole folder up.
 */
export function detectObjectChanges(
  input: string,
  listing: readonly ObjectInfo[],
  previous: ObjectState | undefined,
  completeMarker?: string,
): InputChanges {
  const before = previous?.objects ?? {};
  const complete = new Set<string>();
  if (completeMarker !== undefined)
    for (const o of listing)
      if (o.key === completeMarker || o.key.endsWith(`/${completeMarker}`)) complete.add(folderOf(o.key));
  const ready = (key: string): boolean => completeMarker === undefined || complete.has(folderOf(key));
  const isMarker = (key: string): boolean =>
    completeMarker !== undefined && (key === completeMarker || key.endsWith(`/${completeMarker}`));
  const next: ObjectState = { mode: 'objects', objects: {} };
  const added: string[] = [];
  const changed: string[] = [];
  const waiting = new Set<string>();
  let skipped = 0;
  const seen = new Set<string>();
  for (const o of listing) {
    if (isMarker(o.key)) continue;
    seen.add(o.key);
    const old = before[o.key];
    if (!ready(o.key)) {
      waiting.add(folderOf(o.key));
      if (old) next.objects[o.key] = old;
      continue;
    }
    next.objects[o.key] = o.mtimeMs === undefined ? [o.size, o.etag] : [o.size, o.etag, o.mtimeMs];
    if (!old) added.push(o.key);
    else if (old[0] !== o.size || old[1] !== o.etag) changed.push(o.key);
    else skipped++;
  }
  const deleted = Object.keys(before).filter((k) => !seen.has(k));
  const parts = [
    plural(added.length, 'new object'),
    `${changed.length} changed`,
    `${deleted.length} deleted`,
    `${skipped} unchanged skipped`,
  ];
  if (waiting.size > 0) parts.push(`${plural(waiting.size, 'partition')} waiting for ${String(completeMarker)}`);
  return {
    input,
    mode: 'objects',
    hasWork: added.length + changed.length + deleted.length > 0,
    full: previous === undefined,
    added,
    changed,
    deleted,
    skipped,
    waiting: [...waiting].sort(),
    describe: `${input}: ${parts.join(', ')}`,
    next,
  };
}
