import type { KeyedStateBackend } from './keyed-state-backend.js';
import type {
  ListState,
  ListStateDescriptor,
  MapState,
  MapStateDescriptor,
  ValueState,
  ValueStateDescriptor,
} from './state-descriptors.js';

/** What a user function sees of its task in `open`: who it is, and its keyed state. */
export interface RuntimeContext {
  readonly jobId: string;
  readonly taskId: string;
  readonly operatorId: string;
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getMapState<UK extends string | number, UV>(descriptor: MapStateDescriptor<UK, UV>): MapState<UK, UV>;
}

export function createRuntimeContext(
  ids: { jobId: string; taskId: string; operatorId: string },
  backend: KeyedStateBackend,
): RuntimeContext {
  return {
    ...ids,
    getState: (d) => backend.valueState(d),
    getListState: (d) => backend.listState(d),
    getMapState: (d) => backend.mapState(d),
  };
}
