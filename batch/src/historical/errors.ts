import { PlatformError } from '@coattail/runtime';
/** Where a failure of a batch job comes from (same triage as the package's `BatchError`). */
export type BatchJobDomain = 'user' | 'external' | 'internal';

/** Stable codes of the historical loader, reprocessing and schema-evolution jobs. */
export type BatchJobErrorCode =
  | 'EXCHANGE_API_ERROR'
  | 'RATE_LIMITED'
  | 'IP_BANNED'
  | 'EXCHANGE_UNAVAILABLE'
  | 'INVALID_RESPONSE'
  | 'INVALID_REQUEST'
  | 'SNAPSHOT_NOT_FOUND'
  | 'ARCHIVE_CHECKSUM_MISMATCH'
  | 'COVERAGE_INVALID';

/**
 * Base error of the batch jobs: a stable `code`, a `domain` for triage, a `retryable` hint and
 * the native `cause`. (Kept apart from `BatchError`, whose code union belongs to the file-quality
 * service.)
 */
export class BatchJobError extends PlatformError {
  declare readonly code: BatchJobErrorCode;

  constructor(
    code: BatchJobErrorCode,
    message: string,
    options: { domain?: BatchJobDomain; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(code, message, { ...options, domain: options.domain ?? 'internal' });
  }
}

/**
 * The exchange answered with an error body (`{"code": -1121, "msg": "Invalid symbol."}`); the
 * message carries the request, the HTTP status and Binance's own code and text.
 */
export class BinanceApiError extends BatchJobError {
  constructor(
    readonly request: string,
    readonly httpStatus: number,
    readonly apiCode: number | undefined,
    readonly apiMessage: string,
    code: BatchJobErrorCode = 'EXCHANGE_API_ERROR',
    retryable = false,
  ) {
    const api = apiCode === undefined ? apiMessage : `${apiCode} ${apiMessage}`;
    super(code, `Binance refused ${request}: ${api} (HTTP ${httpStatus})`, {
      domain: httpStatus >= 500 || code !== 'EXCHANGE_API_ERROR' ? 'external' : 'user',
      retryable,
    });
  }
}
