import { z } from 'zod';
import { durationSchema } from '../duration.js';
import { gateConfigSchema } from '../gates/gate-config.js';
import { parseDataset } from './dataset.js';

const datasetUri = z.string().superRefine((uri, ctx) => {
  const parsed = parseDataset(uri);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
});

const identifier = z
  .string()
  .regex(/^[A-Za-z][\w-]*$/, 'an id starts with a letter and holds only letters, digits, _ and -');

/** How a failing attempt is retried: `retries: 3` or `retries: { attempts: 3, backoff: 2s, maxBackoff: 1m }`. */
const retriesSchema = z
  .union([
    z.number().int().min(0).max(100),
    z
      .object({
        /** Retries after the first attempt. @default 0 */
        attempts: z.number().int().min(0).max(100).default(0),
        /** Ceiling of the first back-off, doubled each retry, full jitter. @default 1s */
        backoff: durationSchema.default(1_000),
        /** Largest back-off. @default 60s */
        maxBackoff: durationSchema.default(60_000),
      })
      .strict(),
    // The parsed form, as run records store it, so a stored definition validates again on resume.
    z
      .object({
        attempts: z.number().int().min(0).max(100),
        backoffMs: z.number().min(0),
        maxBackoffMs: z.number().min(0),
      })
      .strict(),
  ])
  .transform((r) =>
    typeof r === 'number'
      ? { attempts: r, backoffMs: 1_000, maxBackoffMs: 60_000 }
      : 'backoffMs' in r
        ? r
        : { attempts: r.attempts, backoffMs: r.backoff, maxBackoffMs: r.maxBackoff },
  );

/** How a stage's inputs change between runs; the detector the engine uses to skip unchanged work. */
export const incrementalSchema = z
  .object({
    /**
     * `objects`: listing by key, size and ETag; `iceberg-snapshots`: files appended since the last
     * processed snapshot; `high-water-mark`: rows whose `column` is above the last maximum;
     * `content-hash`: a hash of the whole input.
     */
    mode: z.enum(['objects', 'iceberg-snapshots', 'high-water-mark', 'content-hash']),
    /** The ordered column of `high-water-mark` mode. */
    column: z.string().optional(),
    /**
     * `objects` mode: a partition folder counts only once this marker object is in it (e.g.
     * `_SUCCESS`), so a partial upstream delivery waits instead of being half processed.
     */
    completeMarker: z.string().optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.mode === 'high-water-mark' && s.column === undefined)
      ctx.addIssue({ code: 'custom', path: ['column'], message: 'high-water-mark mode needs the column to watch' });
  });

/** Hourly or daily partitions on event time, with how late data may still come in. */
export const partitioningSchema = z
  .object({
    granularity: z.enum(['hour', 'day']),
    /** The event-time column (epoch ms or timestamp). @default event_time */
    eventTime: z.string().default('event_time'),
    /** How long after a partition closes late data still re-runs it; later data is quarantined `too_late`. @default 0 */
    lateness: durationSchema.default(0),
  })
  .strict();

/** One stage of a pipeline as written in a definition file. */
export const stageSchema = z
  .object({
    id: identifier,
    /** A built-in stage type or one registered from TypeScript. */
    type: z.string().min(1),
    description: z.string().optional(),
    inputs: z.array(datasetUri).default([]),
    outputs: z.array(datasetUri).default([]),
    dependsOn: z.array(z.string()).default([]),
    retries: retriesSchema.optional(),
    /** Per attempt. @default none */
    timeout: durationSchema.optional(),
    /** Quality gates on the stage's outputs, checked before downstream stages start. */
    gates: z.array(gateConfigSchema).default([]),
    partitioning: partitioningSchema.optional(),
    incremental: incrementalSchema.optional(),
    /** Options for the stage type, validated by the type itself. */
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/** A whole pipeline definition (YAML, JSON or the TypeScript builder). */
export const pipelineSchema = z
  .object({
    pipeline: identifier,
    description: z.string().optional(),
    /** Stages running at once. @default 4 */
    concurrency: z.number().int().min(1).max(256).default(4),
    /** `stop`: no new stage starts after a failure; `continue`: independent branches go on. @default stop */
    failurePolicy: z.enum(['stop', 'continue']).default('stop'),
    /** Retries and timeout for stages that do not set their own. */
    defaults: z.object({ retries: retriesSchema.optional(), timeout: durationSchema.optional() }).strict().default({}),
    stages: z.array(stageSchema).min(1, 'a pipeline needs at least one stage'),
  })
  .strict();

/** A pipeline definition after parsing: durations in ms, defaults filled in. */
export type PipelineDefinition = z.output<typeof pipelineSchema>;
/** What a definition may be written as before defaults: the TypeScript builder's input. */
export type PipelineInput = z.input<typeof pipelineSchema>;
export type StageDefinition = z.output<typeof stageSchema>;
export type StageInput = z.input<typeof stageSchema>;
export type RetryPolicy = z.output<typeof retriesSchema>;
export type IncrementalSpec = z.output<typeof incrementalSchema>;
export type PartitioningSpec = z.output<typeof partitioningSchema>;
