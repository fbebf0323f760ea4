import type { GateResult } from '../gates/gate-result.js';

const FACETS = 'https://openlineage.io/spec/facets';

/** Schema URLs of the facet versions emitted here (OpenLineage 2-0-2 era). */
export const FACET_SCHEMA_URLS = {
  parent: `${FACETS}/1-1-0/ParentRunFacet.json#/$defs/ParentRunFacet`,
  nominalTime: `${FACETS}/1-0-1/NominalTimeRunFacet.json#/$defs/NominalTimeRunFacet`,
  errorMessage: `${FACETS}/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet`,
  jobType: `${FACETS}/2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet`,
  schema: `${FACETS}/1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet`,
  dataSource: `${FACETS}/1-0-1/DatasourceDatasetFacet.json#/$defs/DatasourceDatasetFacet`,
  columnLineage: `${FACETS}/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet`,
  version: `${FACETS}/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet`,
  dataQualityAssertions: `${FACETS}/1-1-0/DataQualityAssertionsDatasetFacet.json#/$defs/DataQualityAssertionsDatasetFacet`,
  dataQualityMetrics: `${FACETS}/1-0-2/DataQualityMetricsInputDatasetFacet.json#/$defs/DataQualityMetricsInputDatasetFacet`,
  outputStatistics: `${FACETS}/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet`,
} as const;

/** A facet's mandatory head: who produced it and which schema it follows. */
export interface FacetHead {
  readonly _producer: string;
  readonly _schemaURL: string;
}

/** Builds facets stamped with one producer URI. */
export class FacetFactory {
  constructor(readonly producer: string) {}

  head(kind: keyof typeof FACET_SCHEMA_URLS): FacetHead {
    return { _producer: this.producer, _schemaURL: FACET_SCHEMA_URLS[kind] };
  }

  /**
   * Data-quality facets of a gate result: one assertion per rule (its id, success, column, and
   * the gate's action as severity) and the row count; per-column null counts come from
   * `not_null` rules, the only rules that measure exactly that.
   */
  quality(result: GateResult): { dataQualityAssertions: object; dataQualityMetrics: object } {
    const severity = result.action === 'warn' ? 'warn' : 'error';
    const columnMetrics: Record<string, { nullCount: number; count: number }> = {};
    for (const rule of result.rules)
      if (rule.type === 'not_null' && rule.error === undefined)
        columnMetrics[rule.column!] = { nullCount: rule.failedCount, count: rule.totalCount };
    return {
      dataQualityAssertions: {
        ...this.head('dataQualityAssertions'),
        assertions: result.rules.map((rule) => ({
          assertion: rule.id,
          success: rule.passed,
          ...(rule.column === undefined ? {} : { column: rule.column }),
          severity,
        })),
      },
      dataQualityMetrics: { ...this.head('dataQualityMetrics'), rowCount: result.rowCount, columnMetrics },
    };
  }
}
