import { backoffDelay } from '@coattail/connectors';
import { StageTimeoutError } from '../errors.js';
import type { RetryPolicy } from '../definition/schema.js';

/** How one attempt ended. */
export type AttemptOutcome<T> =
  { status: 'SUCCEEDED'; value: T } | { status: 'FAILED' | 'TIMED_OUT' | 'ABORTED'; error: unknown };

/**
 * Runs one attempt with a timeout: the attempt's signal aborts when the run is cancelled or the
 * timeout passes, and the attempt ends then even if the stage ignores its signal (the stage is
 * told; we do not wait for a stage that does not listen).
 */
export async function runAttempt<T>(
  stageId: string,
  work: (signal: AbortSignal) => Promise<T>,
  options: { timeoutMs?: number; signal: AbortSignal },
): Promise<AttemptOutcome<T>> {
  const controller = new AbortController();
  let timedOut = false;
  let stop: (reason: unknown) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => (stop = reject));
  const onAbort = (): void => {
    controller.abort(options.signal.reason);
    stop(options.signal.reason);
  };
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          const error = new StageTimeoutError(stageId, options.timeoutMs ?? 0);
          controller.abort(error);
          stop(error);
        }, options.timeoutMs);
  if (options.signal.aborted) onAbort();
  else options.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const value = await Promise.race([work(controller.signal), stopped]);
    return { status: 'SUCCEEDED', value };
  } catch (error) {
    if (options.signal.aborted) return { status: 'ABORTED', error };
    return {
      status: timedOut ? 'TIMED_OUT' : 'FAILED',
      error: timedOut ? new StageTimeoutError(stageId, options.timeoutMs ?? 0) : error,
    };
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
    stopped.catch(() => undefined);
  }
}

/**
 * Whether a failed attempt deserves another: errors that carry `retryable: false` from a user
 * mistake (bad definition, bad parameters) fail at once; everything else is retried, since most
 * stage failures in data pipelines are a peer that was briefly away.
 */
export function isRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return true;
  const e = error as { retryable?: unknown; domain?: unknown };
  return !(e.retryable === false && e.domain === 'user');
}

/** Back-off before retry `retry` (1-based): exponential, capped, full jitter. */
export function retryDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  return backoffDelay(retry - 1, policy.backoffMs, policy.maxBackoffMs, random);
}

/** Renders an error for the run record: its message and the messages of its causes. */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 4; depth++) {
    parts.push(e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(' ← ');
}
