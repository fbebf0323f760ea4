import { UnsupportedFeatureError } from '../errors.js';
import type { TableMetadata } from '../metadata/table-metadata.js';

/**
 * Throws for tables this library may read but must not write: a v3 writer has to assign row
 * lineage (`first-row-id`, `next-row-id`) and may need deletion vectors, which it does not do, so a
 * commit would leave metadata other v3 readers reject or misread.
 */
export function requireWritableFormat(metadata: TableMetadata, action: string): void {
  if (metadata['format-version'] > 2)
    throw new UnsupportedFeatureError(
      `writes to format-version ${metadata['format-version']} tables`,
      `cannot ${action} table at ${metadata.location}; it can be read, but write to it with an engine that supports v3`,
    );
}
