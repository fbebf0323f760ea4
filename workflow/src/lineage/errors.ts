import { RuntimeError } from '@coattail/runtime';

/** Lineage was called or configured in a way that cannot work; the message says what to change. */
export class LineageError extends RuntimeError {
  constructor(message: string, cause?: unknown) {
    super('LINEAGE', message, { domain: 'user', ...(cause === undefined ? {} : { cause }) });
  }
}
