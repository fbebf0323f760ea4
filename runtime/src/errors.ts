/** Where a failure comes from: bad input or misuse, a peer we depend on, or a bug of ours. */
export type ErrorDomain = 'user' | 'external' | 'internal';

/** Options of every platform error. */
export interface RuntimeErrorOptions {
  domain?: ErrorDomain;
  retryable?: boolean;
  cause?: unknown;
}

/**
 * The root of every error the platform throws, in every package: a stable `code` for programs, a
 * `domain` for triage (bad input, a peer, or a bug of ours), a `retryable` hint that the one retry
 * policy (`withRetry`, task restarts) honours, and the native `cause`. Each package's base error
 * extends it and adds its own codes; expected outcomes (a failed check, a difference) are results,
 * never errors.
 */
export class PlatformError extends Error {
  readonly code: string;
  readonly domain: ErrorDomain;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: RuntimeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.domain = options.domain ?? 'internal';
    this.retryable = options.retryable ?? false;
  }
}

/** Base error of the runtime. */
export class RuntimeError extends PlatformError {}

/** An operation was called in a lifecycle state that does not allow it; the message names the state. */
export class IllegalStateError extends RuntimeError {
  constructor(message: string, cause?: unknown) {
    super('ILLEGAL_STATE', message, { domain: 'user', ...(cause === undefined ? {} : { cause }) });
  }
}

/** The job graph or its options are wrong; the message says what to change. */
export class JobDefinitionError extends RuntimeError {
  constructor(message: string) {
    super('JOB_DEFINITION', message, { domain: 'user' });
  }
}

/** A checkpoint could not be written or read. Usually transient (object store down). */
export class CheckpointError extends RuntimeError {
  constructor(message: string, options: RuntimeErrorOptions = {}) {
    super('CHECKPOINT', message, { domain: 'external', retryable: true, ...options });
  }
}

/**
 * A user function threw while processing a record or a timer. Not retryable: restarting replays
 * the same record into the same code, so the job fails at once with this error instead of looping.
 */
export class UserFunctionError extends RuntimeError {
  constructor(operator: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super('USER_FUNCTION', `operator '${operator}' threw: ${detail}`, { domain: 'user', cause });
  }
}

/**
 * A checkpoint holds state this build cannot read for an operator: the job graph changed under the
 * same operator uid, or the state layout version differs. Not retryable: restarting reads the same
 * checkpoint again.
 */
export class StateRestoreError extends RuntimeError {
  readonly operatorId: string;

  constructor(operatorId: string, detail: string) {
    super(
      'STATE_INCOMPATIBLE',
      `cannot restore operator '${operatorId}' from its checkpoint: ${detail}. ` +
        'The checkpoint was written by an incompatible version of this job: restore from a checkpoint of a ' +
        'compatible build, give the changed operator a new uid, or start the job from an empty checkpoint location.',
      { domain: 'user' },
    );
    this.operatorId = operatorId;
  }
}

/**
 * A sink's writer failed. Sinks talk to peers (object stores, databases, brokers), so this is
 * treated as transient: the task restarts from its last checkpoint after a back-off, and the
 * two-phase commit keeps the output exactly once.
 */
export class SinkWriteError extends RuntimeError {
  constructor(sink: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super('SINK_WRITE', `sink '${sink}' failed: ${detail}`, { domain: 'external', retryable: true, cause });
  }
}

/**
 * A record broke the partitioning the job declared: its key was seen in another split, so a
 * keyed operator fused per split would give per-split partial results. Not retryable: the same
 * records would break it again.
 */
export class PartitioningError extends RuntimeError {
  constructor(message: string) {
    super('PARTITIONING', message, { domain: 'user' });
  }
}
