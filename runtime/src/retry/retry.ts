import { systemClock, type Clock } from '../clock.js';

/**
 * The platform's one retry policy: bounded attempts, "full jitter" exponential back-off, and the
 * error's own `retryable` flag decides whether another attempt is worth it. Wrap a call in it only
 * where nothing below retries already: AWS SDK clients retry by themselves (3 attempts by default),
 * so wrapping them again multiplies the attempts instead of adding resilience.
 */
export interface RetryOptions {
  /** Attempts in all, the first included. @default 8 */
  attempts?: number;
  /** Ceiling of the first back-off in ms; doubles each attempt ("full jitter"). @default 50 */
  baseMs?: number;
  /** Largest back-off in ms. @default 5_000 */
  maxMs?: number;
  /** Stops waiting (and retrying) when aborted. */
  signal?: AbortSignal;
  /** Which errors deserve another attempt. @default {@link isRetryable} */
  retryable?: (error: unknown) => boolean;
  /**
   * How many attempts a failure stands for. A client that retries by itself (the AWS SDK makes up to
   * 3 attempts per call and says how many in the error's `$metadata.attempts`) reports them here, so
   * they count against `attempts` instead of multiplying it. @default one per failure
   */
  attemptsUsed?: (error: unknown) => number;
  /** Called before each wait, e.g. to log or count. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Where waits happen; a `ManualClock` makes tests instant. @default systemClock */
  clock?: Clock;
}

/**
 * Whether an error is worth another attempt: its own `retryable` flag when it carries one (every
 * platform error does), otherwise yes — an error we know nothing about (a socket reset, an SDK
 * error after its own retries) is more often transient than not.
 */
export function isRetryable(error: unknown): boolean {
  if (typeof error === 'object' && error !== null && 'retryable' in error) {
    const flag = error.retryable;
    if (typeof flag === 'boolean') return flag;
  }
  return true;
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
 * last error is thrown). `operation` gets the number of its call, 1 for the first.
 *
 * @example
 * const page = await withRetry(() => fetchPage(url), { attempts: 5, onRetry: (e, n, ms) => log.warn({ n, ms }, 'retrying') });
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 8;
  const retryable = options.retryable ?? isRetryable;
  const clock = options.clock ?? systemClock;
  let used = 0;
  for (let call = 1; ; call++) {
    try {
      return await operation(call);
    } catch (error) {
      used += Math.max(1, options.attemptsUsed?.(error) ?? 1);
      if (used >= attempts || options.signal?.aborted === true || !retryable(error)) throw error;
      const delay = backoffDelay(used - 1, options.baseMs ?? 50, options.maxMs ?? 5_000);
      options.onRetry?.(error, used, delay);
      await clock.sleep(delay, options.signal);
    }
  }
}
