import type { Sink } from '../sink/sink.js';

/**
 * A sink that fails once, at its `failAt`-th write of the whole test, the way a broker going away
 * does; `beforeFailing` lets a test look at what was committed by then.
 */
export function flaky<T>(inner: Sink<T>, failAt: number, beforeFailing?: () => void): Sink<T> & { failed: boolean } {
  let writes = 0;
  const sink = {
    name: 'flaky',
    failed: false,
    createWriter: (ctx: Parameters<Sink<T>['createWriter']>[0]) => {
      const writer = inner.createWriter(ctx);
      return {
        ...writer,
        write: (values: readonly T[], timestamps: readonly number[]) => {
          if (++writes === failAt) {
            sink.failed = true;
            beforeFailing?.();
            throw new Error('connection reset by peer');
          }
          return writer.write(values, timestamps);
        },
      };
    },
  };
  return sink;
}
