import { z } from 'zod';

/**
 * The OpenLineage 2-0-2 `RunEvent` and the facets this package emits, written from the
 * specification (openlineage.io/spec/2-0-2/OpenLineage.json and spec/facets/…). Tests parse every
 * emitted event with {@link runEventSchema}; known facets are checked field by field, other facets
 * only for the `_producer`/`_schemaURL` every facet must carry.
 */
export const OPENLINEAGE_SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';

const uri = z.string().url();
const isoDateTime = z.string().datetime({ offset: true });

/** BaseFacet: every facet names who produced it and the schema it follows. */
const baseFacet = z.object({ _producer: uri, _schemaURL: uri });
/** Job and dataset facets may also mark a facet deleted. */
const deletableFacet = baseFacet.extend({ _deleted: z.boolean().optional() });

const facetOf = <T extends z.ZodRawShape>(base: typeof baseFacet | typeof deletableFacet, shape: T) =>
  base.extend(shape).passthrough();

export const parentRunFacetSchema = facetOf(baseFacet, {
  run: z.object({ runId: z.string().uuid() }).passthrough(),
  job: z.object({ namespace: z.string().min(1), name: z.string().min(1) }).passthrough(),
  root: z
    .object({
      run: z.object({ runId: z.string().uuid() }).passthrough(),
      job: z.object({ namespace: z.string().min(1), name: z.string().min(1) }).passthrough(),
    })
    .optional(),
});
export const nominalTimeRunFacetSchema = facetOf(baseFacet, {
  nominalStartTime: isoDateTime,
  nominalEndTime: isoDateTime.optional(),
});
export const errorMessageRunFacetSchema = facetOf(baseFacet, {
  message: z.string(),
  programmingLanguage: z.string(),
  stackTrace: z.string().optional(),
});
export const jobTypeJobFacetSchema = facetOf(deletableFacet, {
  processingType: z.string(),
  integration: z.string(),
  jobType: z.string().optional(),
});

interface SchemaField {
  name: string;
  type?: string | undefined;
  description?: string | undefined;
  fields?: SchemaField[] | undefined;
}
const schemaField: z.ZodType<SchemaField> = z.lazy(() =>
  z.object({
    name: z.string(),
    type: z.string().optional(),
    description: z.string().optional(),
    fields: z.array(schemaField).optional(),
  }),
);
export const schemaDatasetFacetSchema = facetOf(deletableFacet, { fields: z.array(schemaField).optional() });
export const datasourceDatasetFacetSchema = facetOf(deletableFacet, {
  name: z.string().optional(),
  uri: uri.optional(),
});
const transformation = z.object({
  type: z.string(),
  subtype: z.string().optional(),
  description: z.string().optional(),
  masking: z.boolean().optional(),
});
const inputField = z.object({
  namespace: z.string(),
  name: z.string(),
  field: z.string(),
  transformations: z.array(transformation).optional(),
});
export const columnLineageDatasetFacetSchema = facetOf(deletableFacet, {
  fields: z.record(z.string(), z.object({ inputFields: z.array(inputField) }).passthrough()),
  dataset: z.array(inputField).optional(),
});
export const datasetVersionDatasetFacetSchema = facetOf(deletableFacet, { datasetVersion: z.string() });
export const dataQualityAssertionsFacetSchema = facetOf(baseFacet, {
  assertions: z.array(
    z.object({
      assertion: z.string(),
      success: z.boolean(),
      column: z.string().optional(),
      severity: z.string().optional(),
    }),
  ),
});
const columnMetric = z.object({
  nullCount: z.number().int().optional(),
  distinctCount: z.number().int().optional(),
  sum: z.number().optional(),
  count: z.number().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  quantiles: z.record(z.string(), z.number()).optional(),
});
export const dataQualityMetricsFacetSchema = facetOf(baseFacet, {
  rowCount: z.number().int().optional(),
  bytes: z.number().int().optional(),
  fileCount: z.number().int().optional(),
  columnMetrics: z.record(z.string(), columnMetric),
});
export const outputStatisticsFacetSchema = facetOf(baseFacet, {
  rowCount: z.number().int().optional(),
  size: z.number().int().optional(),
  fileCount: z.number().int().optional(),
});

/** Facet maps: the facets we emit are checked in full; any other must still be a facet. */
const facets = <T extends z.ZodRawShape>(known: T) => z.object(known).partial().catchall(baseFacet.passthrough());

const runFacets = facets({
  parent: parentRunFacetSchema,
  nominalTime: nominalTimeRunFacetSchema,
  errorMessage: errorMessageRunFacetSchema,
});
const jobFacets = facets({ jobType: jobTypeJobFacetSchema });
const datasetFacets = facets({
  schema: schemaDatasetFacetSchema,
  dataSource: datasourceDatasetFacetSchema,
  columnLineage: columnLineageDatasetFacetSchema,
  version: datasetVersionDatasetFacetSchema,
});
const dataset = z.object({ namespace: z.string().min(1), name: z.string().min(1), facets: datasetFacets.optional() });

/** An OpenLineage 2-0-2 RunEvent as this package emits it. */
export const runEventSchema = z
  .object({
    eventTime: isoDateTime,
    producer: uri,
    schemaURL: uri,
    eventType: z.enum(['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER']).optional(),
    run: z.object({ runId: z.string().uuid(), facets: runFacets.optional() }),
    job: z.object({ namespace: z.string().min(1), name: z.string().min(1), facets: jobFacets.optional() }),
    inputs: z
      .array(
        dataset.extend({
          inputFacets: facets({
            dataQualityAssertions: dataQualityAssertionsFacetSchema,
            dataQualityMetrics: dataQualityMetricsFacetSchema,
          }).optional(),
        }),
      )
      .optional(),
    outputs: z
      .array(dataset.extend({ outputFacets: facets({ outputStatistics: outputStatisticsFacetSchema }).optional() }))
      .optional(),
  })
  .passthrough();
export type RunEvent = z.infer<typeof runEventSchema>;
export type RunEventType = NonNullable<RunEvent['eventType']>;
export type LineageDataset = z.infer<typeof dataset>;
