import { IllegalStateError, JobDefinitionError } from '../errors.js';
import type { Json, KeyValue } from '../types.js';
import type {
  ListState,
  ListStateDescriptor,
  MapState,
  MapStateDescriptor,
  ValueState,
  ValueStateDescriptor,
} from './state-descriptors.js';

type StateKind = 'value' | 'list' | 'map';

interface StateTable {
  kind: StateKind;
  /** value: T; list: T[]; map: Map<UK, UV>. */
  data: Map<KeyValue, unknown>;
}

/** Checkpointed keyed state: per state name, its kind and `[key, value]` entries (map values as entries). */
export type KeyedStateSnapshot = Record<string, { kind: StateKind; entries: [KeyValue, Json][] }>;

/**
 * Heap state for one keyed operator in one task. Handles read and write the entry of the current
 * key, which the operator sets before calling user code — the same contract as Flink's
 * `KeyedStateBackend.setCurrentKey`.
 */
export class KeyedStateBackend {
  readonly #tables = new Map<string, StateTable>();
  #currentKey: KeyValue | undefined;

  setCurrentKey(key: KeyValue): void {
    this.#currentKey = key;
  }

  get currentKey(): KeyValue {
    if (this.#currentKey === undefined) {
      throw new IllegalStateError(
        'keyed state was accessed outside of processElement/onTimer: there is no current key',
      );
    }
    return this.#currentKey;
  }

  #table(name: string, kind: StateKind): StateTable {
    const existing = this.#tables.get(name);
    if (existing !== undefined) {
      if (existing.kind !== kind) {
        throw new JobDefinitionError(
          `state '${name}' is declared as ${kind} state but already exists as ${existing.kind} state; give each state its own name`,
        );
      }
      return existing;
    }
    const table: StateTable = { kind, data: new Map() };
    this.#tables.set(name, table);
    return table;
  }

  valueState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T> {
    const { data } = this.#table(descriptor.name, 'value');
    return {
      value: () => (data.has(this.currentKey) ? (data.get(this.currentKey) as T) : descriptor.defaultValue),
      update: (value) => void data.set(this.currentKey, value),
      clear: () => void data.delete(this.currentKey),
    };
  }

  listState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    const { data } = this.#table(descriptor.name, 'list');
    const list = (create: boolean): T[] | undefined => {
      let l = data.get(this.currentKey) as T[] | undefined;
      if (l === undefined && create) data.set(this.currentKey, (l = []));
      return l;
    };
    return {
      get: () => list(false) ?? [],
      add: (value) => void list(true)!.push(value),
      addAll: (values) => void list(true)!.push(...values),
      update: (values) =>
        values.length === 0 ? void data.delete(this.currentKey) : void data.set(this.currentKey, [...values]),
      clear: () => void data.delete(this.currentKey),
    };
  }

  mapState<UK extends string | number, UV>(descriptor: MapStateDescriptor<UK, UV>): MapState<UK, UV> {
    const { data } = this.#table(descriptor.name, 'map');
    const map = (create: boolean): Map<UK, UV> | undefined => {
      let m = data.get(this.currentKey) as Map<UK, UV> | undefined;
      if (m === undefined && create) data.set(this.currentKey, (m = new Map()));
      return m;
    };
    const empty = new Map<UK, UV>();
    return {
      get: (k) => map(false)?.get(k),
      put: (k, v) => void map(true)!.set(k, v),
      contains: (k) => map(false)?.has(k) ?? false,
      remove: (k) => {
        const m = map(false);
        if (m === undefined) return;
        m.delete(k);
        if (m.size === 0) data.delete(this.currentKey);
      },
      entries: () => (map(false) ?? empty).entries(),
      keys: () => (map(false) ?? empty).keys(),
      values: () => (map(false) ?? empty).values(),
      size: () => map(false)?.size ?? 0,
      isEmpty: () => (map(false)?.size ?? 0) === 0,
      clear: () => void data.delete(this.currentKey),
    };
  }

  /** Number of keys holding any state: a cheap size signal for metrics. */
  keyCount(): number {
    const keys = new Set<KeyValue>();
    for (const table of this.#tables.values()) for (const k of table.data.keys()) keys.add(k);
    return keys.size;
  }

  snapshot(): KeyedStateSnapshot {
    const out: KeyedStateSnapshot = {};
    for (const [name, table] of this.#tables) {
      const entries: [KeyValue, Json][] = [];
      for (const [key, value] of table.data) {
        entries.push([key, table.kind === 'map' ? [...(value as Map<KeyValue, Json>)] : (value as Json)]);
      }
      out[name] = { kind: table.kind, entries };
    }
    return out;
  }

  /**
   * Loads snapshots (one on restore; several when a split's children are seeded from their
   * parents), keeping only keys that pass `keep`.
   */
  restore(snapshots: readonly KeyedStateSnapshot[], keep: (key: KeyValue) => boolean = () => true): void {
    for (const snapshot of snapshots) {
      for (const [name, { kind, entries }] of Object.entries(snapshot)) {
        const { data } = this.#table(name, kind);
        for (const [key, value] of entries) {
          if (!keep(key)) continue;
          data.set(key, kind === 'map' ? new Map(value as [KeyValue, Json][]) : value);
        }
      }
    }
  }
}
