import type { ChannelEvent } from '../channel.js';
import { ByteReader, Tag } from './byte-buffers.js';
import { EventTag, type EncodedEvents } from './event-codec.js';

/** Builds a record of a shape from its keys: an object literal, so every record gets the same hidden class at once. */
function builderFor(keys: string[]): (decoder: EventDecoder) => object {
  const body = keys.map((k) => `${JSON.stringify(k)}: d.value()`).join(', ');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- built from the keys, each quoted by JSON.stringify
  return new Function('d', `return { ${body} };`) as (decoder: EventDecoder) => object;
}

/** Reads what one link's `EventEncoder` (event-codec.ts) wrote, message after message. */
export class EventDecoder {
  readonly #names: string[] = [];
  readonly #shapes: ((decoder: EventDecoder) => object)[] = [];
  readonly #strings: string[] = [];
  #r = new ByteReader(new ArrayBuffer(0));
  #clones: unknown[] = [];
  #nextClone = 0;

  decode(message: EncodedEvents, deliver: (channel: string, event: ChannelEvent) => void): void {
    const r = (this.#r = new ByteReader(message.bytes));
    this.#clones = message.clones;
    this.#nextClone = 0;
    while (!r.done) {
      const channel = this.#name();
      const count = r.varint();
      for (let e = 0; e < count; e++) deliver(channel, this.#event());
    }
    this.#clones = [];
  }

  #event(): ChannelEvent {
    const r = this.#r;
    const tag = r.byte() as EventTag;
    switch (tag) {
      case EventTag.Records: {
        const edge = this.#name();
        const n = r.varint();
        const timestamps = new Array<number>(n);
        for (let i = 0; i < n; i++) timestamps[i] = r.float64();
        const values = new Array<unknown>(n);
        for (let i = 0; i < n; i++) values[i] = this.value();
        return { kind: 'records', edge, values, timestamps };
      }
      case EventTag.Watermark:
        return { kind: 'watermark', watermark: r.float64(), idle: r.byte() === 1 };
      case EventTag.Barrier:
        return { kind: 'barrier', checkpointId: r.float64() };
      case EventTag.End:
        return { kind: 'end' };
    }
  }

  #name(): string {
    const id = this.#r.varint();
    if (id === this.#names.length) this.#names.push(this.#r.string());
    return this.#names[id]!;
  }

  /** The next value: a primitive, a record, or the next clone. */
  value(): unknown {
    const r = this.#r;
    switch (r.byte() as Tag) {
      case Tag.Undefined:
        return undefined;
      case Tag.Null:
        return null;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Int32:
        return r.int32();
      case Tag.Float64:
        return r.float64();
      case Tag.String:
        return r.string();
      case Tag.BigInt:
        return BigInt(r.string());
      case Tag.KnownString:
        return this.#strings[r.varint()];
      case Tag.NewString: {
        const s = r.string();
        this.#strings.push(s);
        return s;
      }
      case Tag.Shaped: {
        const id = r.varint();
        if (id === this.#shapes.length) {
          const keys = Array.from({ length: r.varint() }, () => r.string());
          this.#shapes.push(builderFor(keys));
        }
        return this.#shapes[id]!(this);
      }
      case Tag.Cloned:
        return this.#clones[this.#nextClone++];
    }
  }
}
