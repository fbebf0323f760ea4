/**
 * @coattail/quality — data quality for the platform.
 *
 * File level (`./file`): the checks, proportional deductions, score and profile payload of the
 * file data-quality service. Pure functions of what a parser measured (`FileFacts`,
 * `ProfileFacts`): no file, no database. Record level (`./record`): the `DataQualityChecker` with
 * the eleven trade checks, the gate in front of every stream job.
 *
 * @example
 * import { assessFile, buildProfilePayload, parseSchemaDefinition } from '@coattail/quality';
 * const definition = parseSchemaDefinition(row.definition);
 * const quality = assessFile(facts, definition); // { score, passed, metrics, deductions, ... }
 * const payload = buildProfilePayload(profileFacts, facts, definition, { sampleRows: 25 });
 */

// File level: scoring, deductions, profiling.
export { assessFile, assessParseFailure, type AssessOptions, type QualityAssessment } from './file/assess.js';
export { type CheckMetric, type FailedRule } from './file/checks.js';
export { cleanColumn, type ColumnFacts, type FileFacts, type KeyFacts } from './file/file-facts.js';
export {
  buildProfilePayload,
  profileOptionsSchema,
  type ColumnProfileFacts,
  type ProfileFacts,
  type ProfileOptions,
  type ProfilePayload,
  type ProfileValue,
} from './file/profile.js';
export {
  COLUMN_TYPES,
  EMPTY_SCHEMA_DEFINITION,
  parseSchemaDefinition,
  schemaDefinitionSchema,
  type ColumnDefinition,
  type ColumnType,
  type SchemaDefinition,
} from './file/schema-definition.js';
export {
  CHECK_DEDUCTION,
  DEDUCTION_WEIGHTS,
  PASS_SCORE,
  fractionDeduction,
  passedScore,
  percentText,
  proportionalDeduction,
  scoreOf,
  type CheckName,
  type DeductionKey,
  type Deductions,
} from './file/scoring.js';

// Record level: the stream jobs' quality gate.
export {
  DataQualityChecker,
  tradeChecks,
  tradeCheckSuite,
  emfQualityPublisher,
  QUALITY_NAMESPACE,
  type CheckContext,
  type CheckSuite,
  type InvalidRecord,
  type QualityCheck,
  type QualityMetrics,
  type QualityMetricsPublisher,
  type RawTradeRecord,
  type Severity,
  type TradeCheckOptions,
  type ValidationResult,
} from './record/index.js';

export { QualityError, SchemaDefinitionError, type QualityErrorCode, type QualityErrorDomain } from './errors.js';
