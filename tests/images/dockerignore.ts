/** `.dockerignore` as Docker reads it, to filter what COPY takes from the build context. */
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';

/** A .dockerignore pattern (`*`, `?`, `**`) as a regular expression; matching a folder matches its subtree. */
export function ignorePattern(pattern: string): RegExp {
  const segments = posix.normalize(pattern.replace(/^\/+/, '')).replace(/\/+$/, '').split('/');
  const body = segments
    .map((seg, i) => {
      const last = i === segments.length - 1;
      if (seg === '**') return last ? '.*' : '(?:[^/]+/)*';
      return (
        seg
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]') + (last ? '' : '/')
      );
    })
    .join('');
  return new RegExp(`^${body}(?:/.*)?$`);
}

/** `.dockerignore` as a predicate on context-relative paths (`!` re-includes; the last match wins). */
export async function loadDockerignore(context: string): Promise<(path: string) => boolean> {
  const text = await readFile(join(context, '.dockerignore'), 'utf8').catch(() => '');
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => ({ negate: l.startsWith('!'), re: ignorePattern(l.replace(/^!/, '')) }));
  return (path) => rules.reduce((ignored, r) => (r.re.test(path) ? !r.negate : ignored), false);
}
