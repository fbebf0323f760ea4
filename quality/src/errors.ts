import { PlatformError } from '@coattail/runtime';
/** Where a failure comes from: bad input or misuse, a peer we depend on, or a bug of ours. */
export type QualityErrorDomain = 'user' | 'external' | 'internal';

/** Stable codes programs can switch on. */
export type QualityErrorCode = 'SCHEMA_DEFINITION_INVALID' | 'PROFILE_OPTIONS_INVALID';

export interface QualityErrorOptions {
  domain?: QualityErrorDomain;
  retryable?: boolean;
  cause?: unknown;
}

/**
 * Base error of @coattail/quality: a stable `code`, a `domain` for triage, a `retryable` hint and
 * the native `cause`. A failed quality check is a result, never an error.
 */
export class QualityError extends PlatformError {
  declare readonly code: QualityErrorCode;

  constructor(code: QualityErrorCode, message: string, options: QualityErrorOptions = {}) {
    super(code, message, { ...options, domain: options.domain ?? 'internal' });
  }
}

/**
 * A `monitoring_file_schema_definition.definition` JSON that does not follow the documented shape;
 * the message lists every issue.
 */
export class SchemaDefinitionError extends QualityError {
  constructor(message: string, cause?: unknown) {
    super('SCHEMA_DEFINITION_INVALID', message, { domain: 'user', cause });
  }
}
