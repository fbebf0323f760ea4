/** Big-endian readers and writers for the Kafka wire protocol's classic (non-flexible) types. */

export class WireReader {
  #pos = 0;
  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.#pos;
  }
  int8(): number {
    return this.buf.readInt8((this.#pos += 1) - 1);
  }
  int16(): number {
    return this.buf.readInt16BE((this.#pos += 2) - 2);
  }
  int32(): number {
    return this.buf.readInt32BE((this.#pos += 4) - 4);
  }
  int64(): bigint {
    return this.buf.readBigInt64BE((this.#pos += 8) - 8);
  }
  string(): string {
    const s = this.nullableString();
    return s ?? '';
  }
  nullableString(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    const s = this.buf.toString('utf8', this.#pos, this.#pos + len);
    this.#pos += len;
    return s;
  }
  bytes(): Buffer | null {
    const len = this.int32();
    if (len < 0) return null;
    const b = this.buf.subarray(this.#pos, this.#pos + len);
    this.#pos += len;
    return b;
  }
  array<T>(item: (r: WireReader) => T): T[] | null {
    const n = this.int32();
    if (n < 0) return null;
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }
}

export class WireWriter {
  readonly #parts: Buffer[] = [];

  #push(size: number, write: (b: Buffer) => void): this {
    const b = Buffer.alloc(size);
    write(b);
    this.#parts.push(b);
    return this;
  }
  int8(v: number): this {
    return this.#push(1, (b) => b.writeInt8(v));
  }
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }
  int16(v: number): this {
    return this.#push(2, (b) => b.writeInt16BE(v));
  }
  int32(v: number): this {
    return this.#push(4, (b) => b.writeInt32BE(v));
  }
  int64(v: bigint): this {
    return this.#push(8, (b) => b.writeBigInt64BE(v));
  }
  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const s = Buffer.from(v, 'utf8');
    this.int16(s.length);
    this.#parts.push(s);
    return this;
  }
  bytes(v: Buffer | null): this {
    if (v === null) return this.int32(-1);
    this.int32(v.length);
    this.#parts.push(v);
    return this;
  }
  raw(v: Buffer): this {
    this.#parts.push(v);
    return this;
  }
  array<T>(items: readonly T[], write: (w: WireWriter, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) write(this, item);
    return this;
  }
  finish(): Buffer {
    return Buffer.concat(this.#parts);
  }
}
