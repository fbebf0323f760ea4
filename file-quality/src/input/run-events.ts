import { describeError } from '../errors.js';
import { FileQualityError } from '../errors.js';
import type { FileQualityProcessor, ProcessResult } from '../processor.js';
import type { ObjectEvent } from './s3-events.js';

/** One event's outcome in a batch: its result, or the error that stopped it. */
export type EventOutcome =
  | ProcessResult
  | {
      readonly status: 'failed';
      readonly bucket: string;
      readonly key: string;
      readonly error: string;
      readonly retryable: boolean;
    };

/** Counts of a batch by status, and each outcome in input order. */
export interface BatchSummary {
  readonly scored: number;
  readonly parseFailed: number;
  readonly skipped: number;
  readonly failed: number;
  readonly outcomes: readonly EventOutcome[];
}

/**
 * Processes events with at most `concurrency` in flight, never throwing: a failure becomes a
 * `failed` outcome (with `retryable`), so one bad object does not stop a replay.
 */
export async function runEvents(
  processor: Pick<FileQualityProcessor, 'process'>,
  events: readonly ObjectEvent[],
  concurrency = 1,
): Promise<BatchSummary> {
  const outcomes: EventOutcome[] = new Array<EventOutcome>(events.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < events.length) {
      const index = next++;
      const event = events[index] as ObjectEvent;
      try {
        outcomes[index] = await processor.process(event);
      } catch (error) {
        outcomes[index] = {
          status: 'failed',
          bucket: event.bucket,
          key: event.key,
          error: describeError(error),
          retryable: error instanceof FileQualityError ? error.retryable : true,
        };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, events.length)) }, worker));
  const count = (status: EventOutcome['status']): number => outcomes.filter((o) => o.status === status).length;
  return {
    scored: count('scored'),
    parseFailed: count('parse_failed'),
    skipped: count('skipped'),
    failed: count('failed'),
    outcomes,
  };
}
