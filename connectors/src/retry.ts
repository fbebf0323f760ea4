import { systemClock } from '@coattail/runtime';

/** How a failing call is retried. */
export interface RetryOptions {
  /** Attempts in all, the first included. @default 8 */
  attempts?: number;
  /** Ceiling of the first back-off; doubles each attempt ("full jitter"). @default 50 */
  baseMs?: number;
  /** Largest back-off. @default 5_000 */
  maxMs?: number;
  /** Stops waiting (and retrying) when aborted. */
  signal?: AbortSignal;
  /** Which errors deserve another attempt. @default every error */
  retryable?: (error: unknown) => boolean;
  /** Called before each wait, e.g. to log or count. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * The "full jitter" back-off of AWS's architecture blog: a uniform random delay up to
 * `min(max, base * 2^attempt)`, so many clients that failed together do not retry together.
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30)));
}

/** Resolves after `ms`, or at once when `signal` aborts (the runtime's wall clock). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return systemClock.sleep(Math.max(0, ms), signal);
}

/**
 * Runs `operation` until it succeeds, the error is not retryable, or attempts run out (then the
 * last error is thrown).
 *
 * @example
 * const body = await withRetry(() => s3.send(new GetObjectCommand(input)), { retryable: isTransientAwsError });
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 8;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= attempts || options.signal?.aborted === true || !(options.retryable?.(error) ?? true)) throw error;
      const delay = backoffDelay(attempt - 1, options.baseMs ?? 50, options.maxMs ?? 5_000);
      options.onRetry?.(error, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}
