import { PlatformError } from '@coattail/runtime';
/** Where a failure comes from: bad input or misuse, a peer we depend on, or a bug of ours. */
export type ReconErrorDomain = 'user' | 'external' | 'internal';

/** Stable codes programs can switch on. */
export type ReconErrorCode =
  'CONFIG_INVALID' | 'INPUT_UNREADABLE' | 'INPUT_UNSUPPORTED' | 'FILTER_INVALID' | 'ENGINE_FAILED' | 'REPORT_FAILED';

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

/** Turns anything thrown into a message for logs and CLI output. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
