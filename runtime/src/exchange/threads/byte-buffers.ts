/** Value tags of the record codec: a primitive, a record of a known shape, or a structured clone. */
export const enum Tag {
  Undefined = 0,
  Null = 1,
  False = 2,
  True = 3,
  Int32 = 4,
  Float64 = 5,
  String = 6,
  BigInt = 7,
  /** A string of the link's string table, by its index. */
  KnownString = 8,
  /** A flat record of a shape (its keys) the link knows. */
  Shaped = 10,
  /** The next value of the message's structured clones. */
  Cloned = 11,
}

/** A growing byte buffer written front to back, reused from one message to the next. */
export class ByteWriter {
  #buffer = Buffer.allocUnsafe(64 * 1024);
  #view = new DataView(this.#buffer.buffer, this.#buffer.byteOffset, this.#buffer.byteLength);
  pos = 0;

  /** Makes room for `bytes` more bytes. */
  ensure(bytes: number): void {
    if (this.pos + bytes <= this.#buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.pos + bytes));
    this.#buffer.copy(bigger, 0, 0, this.pos);
    this.#buffer = bigger;
    this.#view = new DataView(bigger.buffer, bigger.byteOffset, bigger.byteLength);
  }

  byte(value: number): void {
    this.ensure(1);
    this.#buffer[this.pos++] = value;
  }

  /** A non-negative integer below 2³², in 1 to 5 bytes. */
  varint(value: number): void {
    this.ensure(5);
    while (value >= 0x80) {
      this.#buffer[this.pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.#buffer[this.pos++] = value;
  }

  int32(value: number): void {
    this.ensure(4);
    this.#view.setInt32(this.pos, value, true);
    this.pos += 4;
  }

  float64(value: number): void {
    this.ensure(8);
    this.#view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  /**
   * A string as its length (doubled, plus one when UTF-16) and its characters: one byte each when
   * all are ASCII, else two (UTF-16, so that any string, lone surrogates included, comes back as it was).
   */
  string(value: string): void {
    const n = value.length;
    if (n < 64) {
      // Short ASCII strings are copied here: cheaper than a call into C++.
      this.ensure(1 + n);
      const buffer = this.#buffer;
      let p = this.pos + 1;
      for (let i = 0; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c > 0x7f) {
          p = -1;
          break;
        }
        buffer[p++] = c;
      }
      if (p >= 0) {
        buffer[this.pos] = n << 1;
        this.pos = p;
        return;
      }
    } else if (Buffer.byteLength(value, 'utf8') === n) {
      this.varint(n * 2);
      this.ensure(n);
      this.pos += this.#buffer.write(value, this.pos, n, 'latin1');
      return;
    }
    this.varint(n * 2 + 1);
    this.ensure(n * 2);
    this.pos += this.#buffer.write(value, this.pos, n * 2, 'utf16le');
  }

  /** Makes room for a 32-bit number written later by {@link patchUint32}; its position. */
  reserveUint32(): number {
    this.ensure(4);
    this.pos += 4;
    return this.pos - 4;
  }

  patchUint32(at: number, value: number): void {
    this.#view.setUint32(at, value, true);
  }

  /** A copy of what `first` and then this wrote, to transfer, and a fresh start for both. */
  takeAfter(first: ByteWriter): ArrayBuffer {
    const out = new Uint8Array(first.pos + this.pos);
    out.set(first.#buffer.subarray(0, first.pos));
    out.set(this.#buffer.subarray(0, this.pos), first.pos);
    first.pos = 0;
    this.pos = 0;
    return out.buffer;
  }
}

/** Reads what a {@link ByteWriter} wrote, front to back. */
export class ByteReader {
  readonly #buffer: Buffer;
  readonly #view: DataView;
  pos = 0;

  constructor(bytes: ArrayBuffer) {
    this.#buffer = Buffer.from(bytes);
    this.#view = new DataView(bytes);
  }

  get done(): boolean {
    return this.pos >= this.#buffer.length;
  }

  byte(): number {
    return this.#buffer[this.pos++]!;
  }

  varint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = this.#buffer[this.pos++]!;
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
      shift += 7;
    }
  }

  uint32(): number {
    const value = this.#view.getUint32(this.pos, true);
    this.pos += 4;
    return value;
  }

  int32(): number {
    const value = this.#view.getInt32(this.pos, true);
    this.pos += 4;
    return value;
  }

  float64(): number {
    const value = this.#view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  string(): string {
    const header = this.varint();
    const start = this.pos;
    if ((header & 1) === 0) {
      this.pos += header >>> 1;
      return this.#buffer.toString('latin1', start, this.pos);
    }
    this.pos += (header >>> 1) * 2;
    return this.#buffer.toString('utf16le', start, this.pos);
  }
}
