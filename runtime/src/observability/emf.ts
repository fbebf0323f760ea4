import { IllegalStateError } from '../errors.js';

/**
 * CloudWatch embedded metric format (EMF), the platform's one way to publish metrics from a
 * container: a JSON log line that the ECS `awslogs` driver (or Lambda, or the CloudWatch agent
 * tailing a log file) ships to CloudWatch Logs, where the metrics are extracted. No SDK call or
 * network probe on the hot path, and the same line is readable in `docker logs`.
 *
 * Limits from the specification are enforced here, so a document CloudWatch would reject (and
 * silently not turn into metrics) fails where it is built.
 */
export type EmfUnit =
  'Count' | 'Milliseconds' | 'Seconds' | 'Percent' | 'Bytes' | 'Count/Second' | 'Bytes/Second' | 'None';

export interface EmfMetric {
  name: string;
  value: number;
  unit?: EmfUnit;
  /** 1 for high-resolution (per-second) metrics. @default 60 */
  storageResolution?: 1 | 60;
}

export interface EmfDocumentInput {
  namespace: string;
  /** Dimension name → value; every set below names some of them. */
  dimensions?: Record<string, string>;
  /** Which dimension combinations to publish. @default one set of every dimension */
  dimensionSets?: readonly (readonly string[])[];
  metrics: readonly EmfMetric[];
  /** Extra searchable fields of the log event (not metrics), e.g. an object key. */
  properties?: Record<string, string | number | boolean>;
  /** Epoch milliseconds. @default Date.now() */
  timestamp?: number;
}

const MAX_METRICS = 100;
const MAX_DIMENSIONS_PER_SET = 30;

/** One EMF log line (JSON, no trailing newline). Throws when the document breaks the format's rules. */
export function emfDocument(input: EmfDocumentInput): string {
  const dimensions = input.dimensions ?? {};
  const sets = input.dimensionSets ?? [Object.keys(dimensions)];
  if (input.namespace.trim() === '') throw new IllegalStateError('EMF namespace must not be empty');
  if (input.metrics.length === 0 || input.metrics.length > MAX_METRICS)
    throw new IllegalStateError(`an EMF document carries 1 to ${MAX_METRICS} metrics, not ${input.metrics.length}`);
  for (const set of sets) {
    if (set.length > MAX_DIMENSIONS_PER_SET)
      throw new IllegalStateError(`an EMF dimension set has at most ${MAX_DIMENSIONS_PER_SET} dimensions`);
    const missing = set.find((d) => dimensions[d] === undefined);
    if (missing !== undefined) throw new IllegalStateError(`EMF dimension '${missing}' has no value`);
  }
  const body: Record<string, unknown> = { ...input.properties, ...dimensions };
  for (const m of input.metrics) {
    if (!Number.isFinite(m.value)) throw new IllegalStateError(`EMF metric '${m.name}' is not a finite number`);
    if (m.name in dimensions) throw new IllegalStateError(`EMF metric '${m.name}' collides with a dimension`);
    body[m.name] = m.value;
  }
  return JSON.stringify({
    _aws: {
      Timestamp: input.timestamp ?? Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: input.namespace,
          Dimensions: sets.map((s) => [...s]),
          Metrics: input.metrics.map((m) => ({
            Name: m.name,
            Unit: m.unit ?? 'None',
            ...(m.storageResolution === 1 ? { StorageResolution: 1 } : {}),
          })),
        },
      ],
    },
    ...body,
  });
}

/** Where EMF lines go: stdout by default, which the container's log driver ships. */
export type EmfWriter = (line: string) => void;

export const stdoutEmfWriter: EmfWriter = (line) => void process.stdout.write(`${line}\n`);
