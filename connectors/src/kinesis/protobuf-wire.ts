/**
 * The few protobuf wire-format pieces the KPL's aggregated record needs: varints and
 * length-delimited fields (wire types 0 and 2). Enough to write and read `AggregatedRecord`
 * without a protobuf runtime.
 */

/** Appends protobuf fields to a growing buffer. */
export class ProtoWriter {
  #buf: Uint8Array;
  #len = 0;

  constructor(initial = 256) {
    this.#buf = new Uint8Array(initial);
  }

  #ensure(extra: number): void {
    if (this.#len + extra <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  varint(value: number): this {
    this.#ensure(10);
    let v = value;
    while (v > 0x7f) {
      this.#buf[this.#len++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.#buf[this.#len++] = v;
    return this;
  }

  /** A varint field (wire type 0). */
  uint(field: number, value: number): this {
    return this.varint((field << 3) | 0).varint(value);
  }

  /** A length-delimited field (wire type 2). */
  bytes(field: number, value: Uint8Array): this {
    this.varint((field << 3) | 2).varint(value.length);
    this.#ensure(value.length);
    this.#buf.set(value, this.#len);
    this.#len += value.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  finish(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }
}

/** Byte length of `value` as a varint. */
export function varintSize(value: number): number {
  let size = 1;
  for (let v = value; v > 0x7f; v = Math.floor(v / 128)) size++;
  return size;
}

/** One field read from a message: its number, and a varint value or a byte slice. */
export type ProtoField = { field: number; wire: 0; value: number } | { field: number; wire: 2; value: Uint8Array };

/** Iterates the fields of a message; throws RangeError on malformed input or unsupported wire types. */
export function* readFields(buf: Uint8Array): Generator<ProtoField> {
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= buf.length) throw new RangeError('truncated varint');
      const b = buf[pos++]!;
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new RangeError('varint longer than 10 bytes');
  };
  while (pos < buf.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) yield { field, wire, value: varint() };
    else if (wire === 2) {
      const len = varint();
      if (pos + len > buf.length) throw new RangeError('length-delimited field runs past the end');
      yield { field, wire, value: buf.subarray(pos, pos + len) };
      pos += len;
    } else throw new RangeError(`unsupported protobuf wire type ${wire}`);
  }
}
