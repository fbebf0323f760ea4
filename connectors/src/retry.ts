/**
 * The connectors retry through the platform's one retry policy, which lives in the runtime so
 * that every package shares it (see `withRetry` there for when wrapping a call is right).
 */
export { backoffDelay, isRetryable, sleep, withRetry, type RetryOptions } from '@coattail/runtime';
