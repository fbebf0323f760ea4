import type { z } from 'zod';

/**
 * The first `most` differences zod found, as `path: message` joined by `; `, for errors about
 * stored input that did not parse (a restore names every difference it can, up to a few).
 */
export function listIssues(error: z.ZodError, most = 5): string {
  return error.issues
    .slice(0, most)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}
