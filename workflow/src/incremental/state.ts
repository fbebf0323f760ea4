import { z } from 'zod';

/**
 * What `objects` mode remembers: every consumed object's size and ETag by key, and for local files
 * the modification time, so an untouched file is not hashed again.
 */
export const objectStateSchema = z.object({
  mode: z.literal('objects'),
  objects: z.record(
    z.string(),
    z.union([z.tuple([z.number(), z.string()]), z.tuple([z.number(), z.string(), z.number()])]),
  ),
});

/** What `iceberg-snapshots` mode remembers: the last snapshot processed. */
export const icebergStateSchema = z.object({ mode: z.literal('iceberg-snapshots'), snapshotId: z.string() });

/** What `high-water-mark` mode remembers: the largest value of the column processed. */
export const watermarkStateSchema = z.object({
  mode: z.literal('high-water-mark'),
  value: z.union([z.string(), z.number()]),
});

/** What `content-hash` mode remembers: the hash of the input last processed. */
export const hashStateSchema = z.object({ mode: z.literal('content-hash'), hash: z.string() });

/** Incremental state of one input of one stage, as kept in the run store between runs. */
export const incrementalStateSchema = z.discriminatedUnion('mode', [
  objectStateSchema,
  icebergStateSchema,
  watermarkStateSchema,
  hashStateSchema,
]);

export type IncrementalState = z.infer<typeof incrementalStateSchema>;
export type ObjectState = z.infer<typeof objectStateSchema>;
export type IcebergState = z.infer<typeof icebergStateSchema>;
export type WatermarkState = z.infer<typeof watermarkStateSchema>;
export type HashState = z.infer<typeof hashStateSchema>;
