import { describe, expect, it } from 'vitest';
import type avro from 'avsc';
import { decodeAvroFile, encodeAvroFile } from '../avro/avro-io.js';
import { InvalidMetadataError } from '../errors.js';
import { defineSchema } from '../schema/schema.js';
import { definePartitionSpec } from '../spec/partition-spec.js';
import { toBinary } from '../spec/values.js';
import { readManifest, writeManifest, type ManifestEntry } from './manifest.js';
import { readManifestList, writeManifestList, type ManifestFile } from './manifest-list.js';

const schema = defineSchema([
  { name: 'symbol', type: 'string', required: true },
  { name: 'price', type: 'double' },
  { name: 'event_time', type: 'timestamptz', required: true },
]);
const spec = definePartitionSpec(schema, [
  { source: 'event_time', transform: 'day' },
  { source: 'symbol', transform: 'bucket[8]' },
]);
const bigSnapshotId = 3055729675574597004n;

const entry: ManifestEntry = {
  status: 1,
  snapshotId: bigSnapshotId,
  sequenceNumber: null,
  fileSequenceNumber: null,
  dataFile: {
    content: 0,
    filePath: 's3://bucket/t/data/event_time_day=2026-11-21/symbol_bucket=3/a.parquet',
    fileFormat: 'PARQUET',
    partition: [20_778, 3],
    recordCount: 10,
    fileSizeInBytes: 1234,
    valueCounts: new Map([
      [1, 10],
      [2, 10],
      [3, 10],
    ]),
    nullValueCounts: new Map([
      [1, 0],
      [2, 2],
      [3, 0],
    ]),
    lowerBounds: new Map([[2, toBinary('double', 1.5)]]),
    upperBounds: new Map([[2, toBinary('double', 9.5)]]),
  },
};

describe('manifests', () => {
  it('round-trip entries with partition tuples, counts, bounds and 64-bit snapshot ids', async () => {
    const bytes = await writeManifest(schema, spec, [entry]);
    const manifest = await readManifest(bytes);
    expect(manifest.specId).toBe(0);
    expect(manifest.entries).toEqual([
      {
        ...entry,
        dataFile: {
          ...entry.dataFile,
          columnSizes: undefined,
          nanValueCounts: undefined,
          splitOffsets: undefined,
          sortOrderId: undefined,
        },
      },
    ]);
  });

  it('carry the header metadata and field ids the spec requires', async () => {
    const file = await decodeAvroFile(await writeManifest(schema, spec, [entry]));
    expect(file.metadata).toMatchObject({
      'format-version': '2',
      content: 'data',
      'partition-spec-id': '0',
      'schema-id': '0',
    });
    expect(JSON.parse(file.metadata['partition-spec']!)).toEqual(spec.fields);
    expect(JSON.parse(file.metadata.schema!)).toEqual(schema);
    const avroSchema = file.schema as { fields: { name: string; 'field-id': number; type: unknown }[] };
    expect(avroSchema.fields.map((f) => [f.name, f['field-id']])).toEqual([
      ['status', 0],
      ['snapshot_id', 1],
      ['sequence_number', 3],
      ['file_sequence_number', 4],
      ['data_file', 2],
    ]);
    expect(JSON.stringify(avroSchema)).toContain(
      '"name":"event_time_day","type":["null",{"type":"int","logicalType":"date"}],"default":null,"field-id":1000',
    );
    expect(file.metadata['avro.codec']).toBe('deflate');
  });
});

describe('manifest lists', () => {
  it('round-trip manifest files with summaries', async () => {
    const m: ManifestFile = {
      manifestPath: 's3://bucket/t/metadata/m0.avro',
      manifestLength: 999,
      partitionSpecId: 0,
      content: 0,
      sequenceNumber: 7,
      minSequenceNumber: 3,
      addedSnapshotId: bigSnapshotId,
      addedFilesCount: 1,
      existingFilesCount: 2,
      deletedFilesCount: 0,
      addedRowsCount: 10,
      existingRowsCount: 20,
      deletedRowsCount: 0,
      partitions: [
        {
          containsNull: false,
          containsNan: undefined,
          lowerBound: toBinary('date', 20_000),
          upperBound: toBinary('date', 20_778),
        },
      ],
    };
    const bytes = await writeManifestList({ snapshotId: bigSnapshotId, sequenceNumber: 7 }, [m]);
    expect(await readManifestList(bytes)).toEqual([m]);
    // Cut short, it is refused naming the list rather than read as fewer manifests.
    const list = 's3://bucket/t/metadata/snap-7.avro';
    await expect(readManifestList(bytes.subarray(0, bytes.length - 20), list)).rejects.toThrow(
      `${list}: not a readable Avro file (truncated: `,
    );
    const file = await decodeAvroFile(bytes);
    expect(file.metadata).toMatchObject({
      'snapshot-id': bigSnapshotId.toString(),
      'sequence-number': '7',
      'format-version': '2',
    });
  });
});

describe('a manifest this library cannot read', () => {
  const location = 's3://bucket/t/metadata/a-m0.avro';
  type Field = { name: string; type: unknown };

  /** The manifest of `entry`, re-encoded after `change` edits its writer schema, records and header. */
  async function altered(
    change: (
      partitionFields: Field[],
      records: { data_file: { partition: Record<string, unknown> } }[],
      header: Record<string, string>,
    ) => void,
  ): Promise<Uint8Array> {
    const file = await decodeAvroFile(await writeManifest(schema, spec, [entry]));
    const writer = structuredClone(file.schema) as { fields: Field[] };
    const dataFile = writer.fields.find((f) => f.name === 'data_file')!.type as { fields: Field[] };
    const partition = dataFile.fields.find((f) => f.name === 'partition')!.type as { fields: Field[] };
    const records = file.records as { data_file: { partition: Record<string, unknown> } }[];
    // The Avro header keys are the encoder's to write (from `writer`); the rest is Iceberg's.
    const header = Object.fromEntries(Object.entries(file.metadata).filter(([k]) => !k.startsWith('avro.')));
    change(partition.fields, records, header);
    return encodeAvroFile(writer as unknown as avro.Schema, records, header);
  }

  it('is refused naming the manifest, the partition field and the data file when a partition value is not one', async () => {
    const bytes = await altered((fields, records) => {
      fields[1]!.type = ['null', { type: 'record', name: 'bucket_wrapper', fields: [{ name: 'v', type: 'int' }] }];
      records[0]!.data_file.partition.symbol_bucket = { v: 3 };
    });
    const error = await readManifest(bytes, location).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidMetadataError);
    expect((error as Error).message).toBe(
      `${location}: partition field 'symbol_bucket' of ${entry.dataFile.filePath} holds a record, not a partition value`,
    );
  });

  it('is refused naming the manifest when its header or its bytes cannot be read', async () => {
    const header = await altered((_f, _r, h) => (h['partition-spec'] = '[{"name": "sym'));
    await expect(readManifest(header, location)).rejects.toThrow(
      `${location}: its header has a partition-spec that is not JSON`,
    );
    const badSpec = await altered((_f, _r, h) => (h['partition-spec'] = '[{"name": 7}]'));
    await expect(readManifest(badSpec, location)).rejects.toThrow(
      /its header has an invalid partition-spec \(.*0\.name: Invalid input/,
    );
    await expect(readManifest(new Uint8Array([1, 2, 3]), location)).rejects.toThrow(
      `${location}: not a readable Avro file (no Avro header)`,
    );
    const whole = await writeManifest(schema, spec, [entry]);
    await expect(readManifest(whole.subarray(0, whole.length - 20), location)).rejects.toThrow(
      `${location}: not a readable Avro file`,
    );
  });
});
