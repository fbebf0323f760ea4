/**
 * Hands items to `take` one after another, in order, in the background: `send` returns once its
 * item is queued, and waits only while `maxPending` items are still queued (back-pressure).
 * `settle(then)` waits for everything sent so far, runs `then`, and rethrows the first failure
 * `take` met since the last settle (items after a failure are still handed on).
 */
export function orderedHandoff<T>(
  take: (item: T) => Promise<void>,
  maxPending: number,
): { send: (item: T) => Promise<void>; settle: (then: () => Promise<void>) => Promise<void> } {
  let tail: Promise<void> = Promise.resolve();
  let pending = 0;
  let failure: { error: unknown } | undefined;
  const waiting: (() => void)[] = [];
  return {
    async send(item) {
      while (pending >= maxPending) await new Promise<void>((resolve) => waiting.push(resolve));
      pending++;
      tail = tail
        .then(() => take(item))
        .catch((error: unknown) => void (failure ??= { error }))
        .finally(() => {
          pending--;
          waiting.shift()?.();
        });
    },
    async settle(then) {
      await tail;
      await then();
      const met = failure;
      failure = undefined;
      if (met !== undefined) throw met.error;
    },
  };
}
