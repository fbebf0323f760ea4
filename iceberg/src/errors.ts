import { PlatformError } from '@coattail/runtime';
/** Where a failure comes from: bad input or misuse, a peer we depend on, or a bug of ours. */
export type ErrorDomain = 'user' | 'external' | 'internal';

export interface IcebergErrorOptions {
  domain?: ErrorDomain;
  retryable?: boolean;
  cause?: unknown;
}

/**
 * Base error of `@coattail/iceberg`: a stable `code`, a `domain` for triage, a `retryable` hint
 * and the native `cause`.
 */
export class IcebergError extends PlatformError {
  constructor(code: string, message: string, options: IcebergErrorOptions = {}) {
    super(code, message, { ...options, domain: options.domain ?? 'internal' });
  }
}

/** Table metadata, a manifest or a schema does not follow the Iceberg spec. */
export class InvalidMetadataError extends IcebergError {
  constructor(message: string, cause?: unknown) {
    super('INVALID_METADATA', message, { domain: 'external', cause });
  }
}

/** The caller asked for something the table cannot do (unknown column, bad transform, wrong type). */
export class IcebergUsageError extends IcebergError {
  constructor(message: string, cause?: unknown) {
    super('ICEBERG_USAGE', message, { domain: 'user', cause });
  }
}

/**
 * The catalog pointer moved since the base metadata was read: someone else committed first.
 * Retryable: refresh the table and re-apply the change.
 */
export class CommitConflictError extends IcebergError {
  constructor(message: string, cause?: unknown) {
    super('COMMIT_CONFLICT', message, { domain: 'external', retryable: true, cause });
  }
}

/** A table or namespace is missing from the catalog. */
export class NoSuchTableError extends IcebergError {
  constructor(identifier: string) {
    super('NO_SUCH_TABLE', `table '${identifier}' does not exist; create it first with catalog.createTable(...)`, {
      domain: 'user',
    });
  }
}

/** A table with that identifier already exists. */
export class TableAlreadyExistsError extends IcebergError {
  constructor(identifier: string) {
    super('TABLE_EXISTS', `table '${identifier}' already exists; load it with catalog.loadTable(...)`, {
      domain: 'user',
    });
  }
}

/** A change cannot be applied to the refreshed table (e.g. a compaction whose input files were removed meanwhile). */
export class ValidationError extends IcebergError {
  constructor(message: string) {
    super('VALIDATION', message, { domain: 'external' });
  }
}

/**
 * A table uses an Iceberg feature this library cannot read (or write) correctly. Thrown instead of
 * returning rows that could be wrong; `feature` names the spec feature (see the README's feature table).
 */
export class UnsupportedFeatureError extends IcebergError {
  constructor(
    readonly feature: string,
    message: string,
  ) {
    super('UNSUPPORTED_FEATURE', `${feature} is not supported: ${message}`, { domain: 'user' });
  }
}
