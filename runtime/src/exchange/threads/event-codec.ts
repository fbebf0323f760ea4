import type { ChannelEvent } from '../channel.js';
import { ByteWriter, Tag } from './byte-buffers.js';

/**
 * One message of a thread link: the events of its channels as bytes, and the values the bytes
 * cannot hold (anything but primitives and flat records of primitives), structured-cloned in order.
 */
export interface EncodedEvents {
  /** What the receiving side learns first (names, shapes, strings: `defsBytes` bytes), then the events. */
  bytes: ArrayBuffer;
  defsBytes: number;
  clones: unknown[];
}

/** What the receiving side learns from a message before its events, each added to its table. */
export const enum Def {
  Name = 0,
  Shape = 1,
  String = 2,
}

export const enum EventTag {
  Records = 0,
  Watermark = 1,
  Barrier = 2,
  End = 3,
}

/** Strings of a record field are looked up in the link's string table while it finds at least this share. */
const MIN_HIT_RATE = 0.5;
/** Lookups of a field before its hit rate decides. */
const TRIAL = 256;
const MAX_TABLE = 100_000;
const MAX_TABLE_STRING = 256;
const RECENT_SHAPES = 8;

/** A record field's use of the string table. */
interface Slot {
  lookups: number;
  hits: number;
  useTable: boolean;
}

interface EncoderShape {
  keys: string[];
  /** Its number on the link, once the receiving side was told its keys. */
  id: number | undefined;
  slots: Slot[];
  /** Writes the record's fields; false when one is not a primitive. */
  write: (record: object, encoder: EventEncoder, slots: Slot[]) => boolean;
}

/** The shape of `value`: its own enumerable keys in order, when it is a plain object whose fields can be flat. */
function keysOf(value: object): string[] | undefined {
  if (Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  const keys: string[] = [];
  for (const key in value) {
    if (key === '__proto__' || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    keys.push(key);
  }
  return keys;
}

/** True when `value` has exactly `keys`, in that order (its prototype checked before). */
function hasKeys(value: object, keys: string[]): boolean {
  let i = 0;
  for (const key in value) if (key !== keys[i++]) return false;
  return i === keys.length;
}

/* eslint-disable @typescript-eslint/no-implied-eval -- code built from a record's keys, quoted by JSON.stringify */
function writerFor(keys: string[]): EncoderShape['write'] {
  const body = keys.map((k, i) => `e.field(r[${JSON.stringify(k)}], s[${i}])`).join(' && ');
  return new Function('r', 'e', 's', `return ${body || 'true'};`) as EncoderShape['write'];
}

/* eslint-enable @typescript-eslint/no-implied-eval */

/**
 * Writes the channel events of one thread link into bytes. It keeps what it told the other side
 * (channel and edge names, record shapes, repeated strings), so one encoder serves one link, and
 * its messages must be decoded in order by one `EventDecoder` (event-decoder.ts).
 */
export class EventEncoder {
  readonly w = new ByteWriter();
  /**
   * Names, shapes and strings the other side learns from this message, ahead of its events, so
   * that it can decode a batch of records when its task takes it, in any order.
   */
  readonly #defs = new ByteWriter();
  #clones: unknown[] = [];
  readonly #names = new Map<string, number>();
  readonly #shapes = new Map<string, EncoderShape>();
  #shapeCount = 0;
  /** The shapes of the latest records, the latest first: a stream mixing a few shapes finds each here. */
  readonly #recent: EncoderShape[] = [];
  readonly #strings = new Map<string, number>();
  /** Strings added to the table by the record being written, taken out again if it is cloned instead. */
  readonly #added: string[] = [];

  encode(channels: readonly (readonly [string, readonly ChannelEvent[]])[]): EncodedEvents {
    const w = this.w;
    for (const [channel, events] of channels) {
      this.#name(channel);
      w.varint(events.length);
      for (const event of events) {
        switch (event.kind) {
          case 'records': {
            w.byte(EventTag.Records);
            this.#name(event.edge);
            const n = event.values.length;
            w.varint(n);
            // The batch's length in bytes and its number of clones, so that the other side can skip it.
            const length = w.reserveUint32();
            const cloned = w.reserveUint32();
            const clonesBefore = this.#clones.length;
            for (let i = 0; i < n; i++) w.float64(event.timestamps[i]!);
            for (let i = 0; i < n; i++) this.#record(event.values[i]);
            w.patchUint32(length, w.pos - length - 8);
            w.patchUint32(cloned, this.#clones.length - clonesBefore);
            break;
          }
          case 'watermark':
            w.byte(EventTag.Watermark);
            w.float64(event.watermark);
            w.byte(event.idle ? 1 : 0);
            break;
          case 'barrier':
            w.byte(EventTag.Barrier);
            w.float64(event.checkpointId);
            break;
          case 'end':
            w.byte(EventTag.End);
        }
      }
    }
    const clones = this.#clones;
    this.#clones = [];
    const defsBytes = this.#defs.pos;
    return { bytes: w.takeAfter(this.#defs), defsBytes, clones };
  }

  #name(name: string): void {
    const id = this.#names.get(name);
    if (id !== undefined) return this.w.varint(id);
    this.w.varint(this.#names.size);
    this.#defs.byte(Def.Name);
    this.#defs.string(name);
    this.#names.set(name, this.#names.size);
  }

  #record(value: unknown): void {
    if (typeof value !== 'object' || value === null) {
      if (this.field(value, undefined)) return;
    } else {
      const shape = this.#shapeOf(value);
      if (shape !== undefined) {
        const start = this.w.pos;
        const defsStart = this.#defs.pos;
        const announced = shape.id === undefined;
        if (announced) {
          shape.id = this.#shapeCount++;
          this.#defs.byte(Def.Shape);
          this.#defs.varint(shape.keys.length);
          for (const key of shape.keys) this.#defs.string(key);
        }
        this.w.byte(Tag.Shaped);
        this.w.varint(shape.id!);
        this.#added.length = 0;
        if (shape.write(value, this, shape.slots)) return;
        // A field is an object (or cannot be cloned at all): the whole record goes as a clone.
        this.w.pos = start;
        this.#defs.pos = defsStart;
        if (announced) {
          shape.id = undefined;
          this.#shapeCount--;
        }
        for (const s of this.#added) this.#strings.delete(s);
      }
    }
    this.w.byte(Tag.Cloned);
    this.#clones.push(value);
  }

  #shapeOf(value: object): EncoderShape | undefined {
    if (Object.getPrototypeOf(value) !== Object.prototype) return undefined;
    const recent = this.#recent;
    for (let i = 0; i < recent.length; i++) {
      const shape = recent[i]!;
      if (hasKeys(value, shape.keys)) {
        if (i > 0) {
          recent[i] = recent[0]!;
          recent[0] = shape;
        }
        return shape;
      }
    }
    const keys = keysOf(value);
    if (keys === undefined) return undefined;
    const id = keys.join('\0');
    let shape = this.#shapes.get(id);
    if (shape === undefined) {
      const slots = keys.map(() => ({ lookups: 0, hits: 0, useTable: true }));
      this.#shapes.set(id, (shape = { keys, id: undefined, slots, write: writerFor(keys) }));
    }
    recent.unshift(shape);
    if (recent.length > RECENT_SHAPES) recent.pop();
    return shape;
  }

  /** Writes a primitive (a record's field when `slot` is given); false for anything else. */
  field(value: unknown, slot: Slot | undefined): boolean {
    const w = this.w;
    switch (typeof value) {
      case 'number':
        if ((value | 0) === value && (value !== 0 || 1 / value > 0)) {
          w.byte(Tag.Int32);
          w.int32(value);
        } else {
          w.byte(Tag.Float64);
          w.float64(value);
        }
        return true;
      case 'string':
        if (slot?.useTable && value.length <= MAX_TABLE_STRING) this.#tableString(value, slot);
        else {
          w.byte(Tag.String);
          w.string(value);
        }
        return true;
      case 'boolean':
        w.byte(value ? Tag.True : Tag.False);
        return true;
      case 'undefined':
        w.byte(Tag.Undefined);
        return true;
      case 'bigint':
        w.byte(Tag.BigInt);
        w.string(value.toString());
        return true;
      case 'object':
        if (value !== null) return false;
        w.byte(Tag.Null);
        return true;
      case 'function':
      case 'symbol':
        return false;
    }
  }

  #tableString(value: string, slot: Slot): void {
    const w = this.w;
    const id = this.#strings.get(value);
    if (++slot.lookups === TRIAL) slot.useTable = slot.hits >= TRIAL * MIN_HIT_RATE;
    if (id !== undefined) {
      slot.hits++;
      w.byte(Tag.KnownString);
      w.varint(id);
    } else if (this.#strings.size < MAX_TABLE) {
      w.byte(Tag.KnownString);
      w.varint(this.#strings.size);
      this.#strings.set(value, this.#strings.size);
      this.#added.push(value);
      this.#defs.byte(Def.String);
      this.#defs.string(value);
    } else {
      w.byte(Tag.String);
      w.string(value);
    }
  }
}
