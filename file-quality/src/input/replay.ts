import { readFile } from 'node:fs/promises';
import { FileQualityError } from '../errors.js';
import type { FileQualityProcessor } from '../processor.js';
import { runEvents, type BatchSummary } from './run-events.js';
import { parseS3Events } from './s3-events.js';

/**
 * The local test harness: replays the S3 events of a JSON (or JSONL) file through a
 * processor, in file order (or `concurrency` at a time), and summarizes what happened.
 *
 * @example
 * const summary = await replayEventsFile('events.json', processor);
 * console.log(summary.scored, summary.failed);
 */
export async function replayEventsFile(
  path: string,
  processor: Pick<FileQualityProcessor, 'process'>,
  options: { concurrency?: number } = {},
): Promise<BatchSummary> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FileQualityError('EVENT_INVALID', `cannot read events file ${path}: ${(error as Error).message}`, {
      domain: 'user',
      cause: error,
    });
  }
  return runEvents(processor, parseS3Events(text), options.concurrency ?? 1);
}
