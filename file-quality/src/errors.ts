import { PlatformError } from '@coattail/runtime';
/** Where a failure comes from: bad input or misuse, a peer we depend on, or a bug of ours. */
export type FileQualityErrorDomain = 'user' | 'external' | 'internal';

/** Stable codes programs can switch on. */
export type FileQualityErrorCode =
  | 'CONFIG_INVALID'
  | 'EVENT_INVALID'
  | 'KEY_UNMATCHED'
  | 'MONITORING_FILE_UNKNOWN'
  | 'OBJECT_UNAVAILABLE'
  | 'DATABASE_FAILED'
  | 'MIGRATION_FAILED'
  | 'PARSER_UNKNOWN'
  | 'ANALYSIS_FAILED';

export interface FileQualityErrorOptions {
  domain?: FileQualityErrorDomain;
  retryable?: boolean;
  cause?: unknown;
}

/**
 * Base error of @coattail/file-quality: a stable `code`, a `domain` for triage, a `retryable` hint (an
 * SQS consumer leaves retryable failures on the queue) and the native `cause`.
 */
export class FileQualityError extends PlatformError {
  declare readonly code: FileQualityErrorCode;

  constructor(code: FileQualityErrorCode, message: string, options: FileQualityErrorOptions = {}) {
    super(code, message, { ...options, domain: options.domain ?? 'internal' });
  }
}

/** Configuration (environment or options) is invalid; the message lists every issue. */
export class FileQualityConfigError extends FileQualityError {
  constructor(message: string, cause?: unknown) {
    super('CONFIG_INVALID', message, { domain: 'user', cause });
  }
}

/** An event body is not an S3 event notification of a shape we know. */
export class EventFormatError extends FileQualityError {
  constructor(message: string, cause?: unknown) {
    super('EVENT_INVALID', message, { domain: 'user', cause });
  }
}

/** Postgres failed or is unreachable; retryable. */
export class DatabaseError extends FileQualityError {
  constructor(message: string, cause?: unknown) {
    super('DATABASE_FAILED', message, { domain: 'external', retryable: true, cause });
  }
}

/** Turns anything thrown into a message for logs and rows. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
