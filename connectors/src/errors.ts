import { PlatformError } from '@coattail/runtime';
/** Where a failure comes from: bad input or misuse, a peer we depend on, or a bug of ours. */
export type ErrorDomain = 'user' | 'external' | 'internal';

export interface ConnectorErrorOptions {
  domain?: ErrorDomain;
  retryable?: boolean;
  cause?: unknown;
}

/**
 * Base error of the connectors: a stable `code` for programs, a `domain` for triage and a
 * `retryable` hint for supervisors, with the AWS/Kafka error as native `cause`.
 */
export class ConnectorError extends PlatformError {
  constructor(code: string, message: string, options: ConnectorErrorOptions = {}) {
    super(code, message, { ...options, domain: options.domain ?? 'external' });
  }
}

/** Options or input that cannot work; the message says what to change. */
export class ConnectorConfigError extends ConnectorError {
  constructor(message: string, cause?: unknown) {
    super('CONNECTOR_CONFIG', message, { domain: 'user', cause });
  }
}

/** A peer (Kinesis, DynamoDB, S3, Kafka) kept failing after every retry. */
export class PeerUnavailableError extends ConnectorError {
  constructor(peer: string, operation: string, cause: unknown) {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super('PEER_UNAVAILABLE', `${peer} ${operation} failed after retries (${detail})`, {
      domain: 'external',
      retryable: true,
      cause,
    });
  }
}

/** A lease this worker held was taken by another worker; its checkpoint write was refused. */
export class LeaseLostError extends ConnectorError {
  constructor(leaseKey: string, owner: string) {
    super('LEASE_LOST', `lease '${leaseKey}' is no longer held by '${owner}'; stop processing the shard`, {
      domain: 'external',
      retryable: false,
    });
  }
}
