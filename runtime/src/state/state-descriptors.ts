/** Declares a piece of keyed state. `name` is its identity in checkpoints: keep it stable. */
export class ValueStateDescriptor<T> {
  declare readonly __type: T;
  readonly kind = 'value';
  constructor(
    readonly name: string,
    /** Returned by `value()` for a key with no state. */
    readonly defaultValue?: T,
  ) {}
}

export class ListStateDescriptor<T> {
  declare readonly __type: T;
  readonly kind = 'list';
  constructor(readonly name: string) {}
}

export class MapStateDescriptor<UK extends string | number, UV> {
  declare readonly __types: [UK, UV];
  readonly kind = 'map';
  constructor(readonly name: string) {}
}

export type StateDescriptor =
  ValueStateDescriptor<unknown> | ListStateDescriptor<unknown> | MapStateDescriptor<string | number, unknown>;

export interface ValueState<T> {
  value(): T | undefined;
  update(value: T): void;
  clear(): void;
}

export interface ListState<T> {
  get(): readonly T[];
  add(value: T): void;
  addAll(values: readonly T[]): void;
  update(values: readonly T[]): void;
  clear(): void;
}

export interface MapState<UK extends string | number, UV> {
  get(key: UK): UV | undefined;
  put(key: UK, value: UV): void;
  contains(key: UK): boolean;
  remove(key: UK): void;
  entries(): IterableIterator<[UK, UV]>;
  keys(): IterableIterator<UK>;
  values(): IterableIterator<UV>;
  size(): number;
  isEmpty(): boolean;
  clear(): void;
}
