/**
 * Names a side output. Two tags are the same side output only if they are the same object, so
 * declare a tag once and share it.
 *
 * @example
 * const late = new OutputTag<Trade>('late-trades');
 * const windowed = keyed.window(w).sideOutputLateData(late).aggregate(agg);
 * windowed.getSideOutput(late).sinkTo(dlq);
 */
export class OutputTag<T> {
  declare readonly __type: T;
  constructor(readonly id: string) {
    if (id.length === 0) throw new RangeError('an OutputTag needs a non-empty id');
  }
}
