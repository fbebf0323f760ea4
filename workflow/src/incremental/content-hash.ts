import type { InputChanges } from './changes.js';
import type { HashState } from './state.js';

/** Plans a content-hash read: the whole input when its hash differs from the one last processed. */
export function detectHashChanges(input: string, hash: string, previous: HashState | undefined): InputChanges {
  const same = previous?.hash === hash;
  return {
    input,
    mode: 'content-hash',
    hasWork: !same,
    full: !same,
    added: [],
    changed: same ? [] : [input],
    deleted: [],
    skipped: same ? 1 : 0,
    waiting: [],
    describe: same
      ? `${input}: content unchanged (${hash.slice(0, 12)}), skipped`
      : `${input}: content changed, full read`,
    next: { mode: 'content-hash', hash },
  };
}
