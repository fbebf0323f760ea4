import type { ChannelEvent, PendingRecords } from '../channel.js';
import { ByteReader, Tag } from './byte-buffers.js';
import { Def, EventTag, type EncodedEvents } from './event-codec.js';

/** Builds a record of a shape from its keys: an object literal, so every record gets the same hidden class at once. */
function builderFor(keys: string[]): (decoder: EventDecoder) => object {
  const body = keys.map((k) => `${JSON.stringify(k)}: d.value()`).join(', ');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- built from the keys, each quoted by JSON.stringify
  return new Function('d', `return { ${body} };`) as (decoder: EventDecoder) => object;
}

/** A batch of records as it arrived, decoded when its task takes it. */
class EncodedBatch implements PendingRecords {
  readonly kind = 'pending';

  constructor(
    private readonly decoder: EventDecoder,
    readonly reader: ByteReader,
    readonly at: number,
    readonly edge: string,
    readonly count: number,
    readonly clones: unknown[],
    readonly firstClone: number,
  ) {}

  open(): ChannelEvent {
    return this.decoder.records(this);
  }
}

/**
 * Reads what one link's `EventEncoder` (event-codec.ts) wrote, message after message: what each
 * message teaches (names, shapes, strings) at once, its batches of records when they are opened.
 */
export class EventDecoder {
  readonly #names: string[] = [];
  readonly #shapes: ((decoder: EventDecoder) => object)[] = [];
  readonly #strings: string[] = [];
  #r = new ByteReader(new ArrayBuffer(0));
  #clones: unknown[] = [];
  #nextClone = 0;

  decode(message: EncodedEvents, deliver: (channel: string, event: ChannelEvent | PendingRecords) => void): void {
    const r = new ByteReader(message.bytes);
    this.#learn(r, message.defsBytes);
    let clone = 0;
    while (!r.done) {
      const channel = this.#names[r.varint()]!;
      const count = r.varint();
      for (let e = 0; e < count; e++) {
        const tag = r.byte() as EventTag;
        switch (tag) {
          case EventTag.Records: {
            const edge = this.#names[r.varint()]!;
            const n = r.varint();
            const length = r.uint32();
            const clones = r.uint32();
            deliver(channel, new EncodedBatch(this, r, r.pos, edge, n, message.clones, clone));
            r.pos += length;
            clone += clones;
            break;
          }
          case EventTag.Watermark:
            deliver(channel, { kind: 'watermark', watermark: r.float64(), idle: r.byte() === 1 });
            break;
          case EventTag.Barrier:
            deliver(channel, { kind: 'barrier', checkpointId: r.float64() });
            break;
          case EventTag.End:
            deliver(channel, { kind: 'end' });
        }
      }
    }
  }

  #learn(r: ByteReader, end: number): void {
    while (r.pos < end) {
      const def = r.byte() as Def;
      switch (def) {
        case Def.Name:
          this.#names.push(r.string());
          break;
        case Def.Shape:
          this.#shapes.push(builderFor(Array.from({ length: r.varint() }, () => r.string())));
          break;
        case Def.String:
          this.#strings.push(r.string());
      }
    }
  }

  /** The records of a batch, decoded. */
  records(batch: EncodedBatch): ChannelEvent {
    const r = (this.#r = batch.reader);
    r.pos = batch.at;
    this.#clones = batch.clones;
    this.#nextClone = batch.firstClone;
    const n = batch.count;
    const timestamps = new Array<number>(n);
    for (let i = 0; i < n; i++) timestamps[i] = r.float64();
    const values = new Array<unknown>(n);
    for (let i = 0; i < n; i++) values[i] = this.value();
    this.#clones = [];
    return { kind: 'records', edge: batch.edge, values, timestamps };
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
      case Tag.Shaped:
        return this.#shapes[r.varint()]!(this);
      case Tag.Cloned:
        return this.#clones[this.#nextClone++];
    }
  }
}
