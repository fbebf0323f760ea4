import avro from 'avsc';
import { InvalidMetadataError } from '../errors.js';

/**
 * Avro longs as `bigint`: manifest fields such as `snapshot_id` are 64-bit and routinely above
 * 2^53 (Java derives them from UUID bits). Decoding always yields bigint; encoding takes bigint or number.
 */
const bigintLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint | number) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (n: number | string) => BigInt(n),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint' || (typeof n === 'number' && Number.isInteger(n)),
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

/** An Avro type for a schema, with 64-bit longs as bigint. */
export function avroType(schema: avro.Schema): avro.Type {
  return avro.Type.forSchema(schema, { registry: { long: bigintLong } });
}

/** The codec of the files we write: Java's default for manifests. */
export type AvroCodec = 'null' | 'deflate';

/**
 * Encodes records as an in-memory Avro object container file; `metadata` goes into the header
 * (Iceberg keeps `schema`, `partition-spec`, `format-version`, ... there).
 */
export async function encodeAvroFile(
  schema: avro.Schema,
  records: readonly unknown[],
  metadata: Record<string, string>,
  codec: AvroCodec = 'deflate',
): Promise<Uint8Array> {
  const meta: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(metadata)) meta[k] = Buffer.from(v, 'utf8');
  const encoder = new avro.streams.BlockEncoder(avroType(schema), {
    codec,
    metadata: meta,
    writeHeader: 'never',
  } as Partial<avro.EncoderOptions>);
  // The header must carry the schema exactly as given (field ids live in its attributes), and be
  // written even for zero records; avsc derives it from the type otherwise, so set it and write it here.
  const internals = encoder as unknown as { _schema: avro.Schema; _writeHeader: () => void };
  internals._schema = schema;
  internals._writeHeader();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    encoder.on('data', (chunk: Buffer) => chunks.push(chunk));
    encoder.on('end', () => resolve());
    encoder.on('error', reject);
  });
  for (const record of records) encoder.write(record);
  encoder.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

/** A decoded Avro container file: its header metadata (as UTF-8 strings) and records. */
export interface AvroFile<T> {
  metadata: Record<string, string>;
  schema: unknown;
  records: T[];
}

/** Decodes an Avro object container file (null or deflate codec) with longs as bigint. */
export async function decodeAvroFile<T = Record<string, unknown>>(bytes: Uint8Array): Promise<AvroFile<T>> {
  const decoder = new avro.streams.BlockDecoder({ parseHook: (schema: avro.Schema) => avroType(schema) });
  const records: T[] = [];
  let metadata: Record<string, string> = {};
  let schema: unknown;
  let sawHeader = false;
  // The decoder's input buffer (avsc internals, as encodeAvroFile uses the encoder's).
  const pending = (decoder as unknown as { _tap: { buf: Buffer; pos: number } })._tap;
  const done = new Promise<void>((resolve, reject) => {
    decoder.on('metadata', (_type: unknown, _codec: unknown, header: { meta: Record<string, Buffer> }) => {
      sawHeader = true;
      metadata = Object.fromEntries(Object.entries(header.meta).map(([k, v]) => [k, v.toString('utf8')]));
      schema = JSON.parse(metadata['avro.schema'] ?? 'null');
    });
    decoder.on('data', (record: T) => records.push(record));
    // avsc ends without an error on bytes too short for a header, and on a last block cut short
    // (its bytes wait in the decoder for more that never come): read as fewer records, a truncated
    // manifest would silently drop data files from the table.
    decoder.on('end', () => {
      if (!sawHeader) return reject(new InvalidMetadataError('not a readable Avro file (no Avro header)'));
      const left = pending.buf.length - pending.pos;
      if (left > 0)
        return reject(
          new InvalidMetadataError(`not a readable Avro file (truncated: ${left} bytes of an incomplete block)`),
        );
      resolve();
    });
    decoder.on('error', (error: unknown) => reject(new InvalidMetadataError('not a readable Avro file', error)));
  });
  decoder.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  await done;
  return { metadata, schema, records };
}
