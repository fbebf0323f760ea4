import { PlatformError } from '@coattail/runtime';
/** Where a failure comes from: bad input or misuse, a peer we depend on, or a bug of ours. */
export type ReconErrorDomain = 'user' | 'external' | 'internal';

/** Stable codes programs can switch on. */
export type ReconErrorCode =
  | 'CONFIG_INVALID'
  | 'INPUT_UNREADABLE'
  | 'INPUT_UNSUPPORTED'
  | 'FILTER_INVALID'
  | 'ENGINE_FAILED'
  | 'REPORT_FAILED'
  | 'RESULT_INVALID';

export interface ReconErrorOptions {
  domain?: ReconErrorDomain;
  retryable?: boolean;
  cause?: unknown;
}

/**
 * Base error of @coattail/recon: a stable `code`, a `domain` for triage, a `retryable` hint and
 * the native `cause`. Expected outcomes (a difference in the data) are results, never errors.
 */
export class ReconError extends PlatformError {
  declare readonly code: ReconErrorCode;

  constructor(code: ReconErrorCode, message: string, options: ReconErrorOptions = {}) {
    super(code, message, { ...options, domain: options.domain ?? 'internal' });
  }
}

/** The config file is missing, unparsable or invalid; the message lists every issue. */
export class ReconConfigError extends ReconError {
  constructor(message: string, cause?: unknown) {
    super('CONFIG_INVALID', message, { domain: 'user', cause });
  }
}

/** An input file, folder or glob could not be read by DuckDB. */
export class ReconInputError extends ReconError {
  constructor(side: 'source' | 'target', location: string, cause?: unknown) {
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    super(
      'INPUT_UNREADABLE',
      `${side} input '${location}' cannot be read${detail}. Check the path and the format in the config.`,
      {
        domain: 'user',
        cause,
      },
    );
  }
}

/**
 * A stored result (result.json, suite.json) that is not JSON or not of the shape this build
 * writes; the message names the file and what is wrong. Showing a guess could report a
 * reconciliation that did not happen, so nothing of it is served.
 */
export class ReconResultFileError extends ReconError {
  constructor(
    readonly file: string,
    what: string,
    cause?: unknown,
  ) {
    super(
      'RESULT_INVALID',
      `${file} is not a reconciliation result this build can read (${what}): run the reconciliation again to rewrite it`,
      {
        domain: 'user',
        cause,
      },
    );
  }
}

/** Turns anything thrown into a message for logs and CLI output. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
