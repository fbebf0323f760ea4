import { PlatformError } from '@coattail/runtime';
/** Where a failure comes from: bad input or misuse, a peer we depend on, or a bug of ours. */
export type ErrorDomain = 'user' | 'external' | 'internal';

/**
 * Base error of the producer: a stable `code` for programs, a `domain` for triage, a `retryable`
 * hint for supervisors, and the underlying failure as native `cause`.
 */
export class ProducerError extends PlatformError {
  constructor(
    code: string,
    message: string,
    options: { domain?: ErrorDomain; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(code, message, { ...options, domain: options.domain ?? 'internal' });
  }
}

/** The environment or options cannot work; the message lists every problem and what to set. */
export class ProducerConfigError extends ProducerError {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super('PRODUCER_CONFIG', `invalid producer configuration:\n  - ${issues.join('\n  - ')}`, { domain: 'user' });
    this.issues = issues;
  }
}

/** An exchange sent a value we refuse (NaN, infinite, negative or zero size, unknown symbol). */
export class InvalidTradeError extends ProducerError {
  constructor(reason: string) {
    super('INVALID_TRADE', reason, { domain: 'external' });
  }
}

/** Graceful shutdown did not finish flushing before its deadline. */
export class ShutdownTimeoutError extends ProducerError {
  constructor(deadlineMs: number, pending: number) {
    super(
      'SHUTDOWN_TIMEOUT',
      `shutdown did not flush within ${deadlineMs} ms; ${pending} trades were still unacknowledged`,
      {
        domain: 'external',
        retryable: true,
      },
    );
  }
}
