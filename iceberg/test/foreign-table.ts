import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type avro from 'avsc';
import { encodeAvroFile } from '../src/avro/avro-io.js';
import { withDuckDB } from '../src/data/duckdb.js';
import type { FileIO } from '../src/io/file-io.js';
import {
  avroTypeFor,
  manifestEntrySchema,
  manifestFileSchema,
  withPartitionType,
} from '../src/manifest/avro-schemas.js';
import type { MetadataPointerStore } from '../src/catalog/pointer-store.js';
import { newTableMetadata, withSnapshot } from '../src/metadata/metadata-builder.js';
import { serializeTableMetadata, type TableMetadata } from '../src/metadata/table-metadata.js';
import type { Schema } from '../src/schema/types.js';
import { bindPartitionSpec, type PartitionSpec } from '../src/spec/partition-spec.js';
import type { IcebergValue } from '../src/spec/values.js';

/**
 * Builds Iceberg tables the way other engines lay them out (Java's manifest-list field names,
 * partition structs named unlike the spec, data files without their identity-partition column,
 * position and equality delete files, paths under another root), so readers are tested against
 * what Spark, pyiceberg and the Java library write — without committing anyone's files.
 */

/** One file of a foreign table; its rows come from a DuckDB query. */
export interface ForeignFile {
  /** e.g. `SELECT * FROM (VALUES (1::BIGINT, 'a')) v(id, name)`. */
  sql: string;
  /** Parquet column name → Iceberg field id (columns left out here are absent from the file). */
  fieldIds: Record<string, number>;
  /** Partition tuple in spec order. @default [] */
  partition?: (IcebergValue | null)[];
  /** 0 data, 1 position deletes, 2 equality deletes. @default 0 */
  content?: 0 | 1 | 2;
  equalityIds?: number[];
  /** `file_format` recorded in the manifest. @default 'PARQUET' */
  format?: string;
  /**
   * Parquet column names to rewrite in the written file (same length): DuckDB cannot write two
   * names that differ only in case, other writers do.
   */
  renameColumns?: Record<string, string>;
}

export interface ForeignTableOptions {
  io: FileIO;
  pointers: MetadataPointerStore;
  identifier: { namespace: string; name: string };
  /** Where the files physically go (a URI under the io's store). */
  location: string;
  schema: Schema;
  spec?: PartitionSpec;
  /** One commit per element, in order (sequence numbers 1, 2, ...). */
  commits: ForeignFile[][];
  /** How a URI is recorded in metadata (e.g. under another bucket, or relative). @default as is */
  recordPath?: (uri: string) => string;
  /** @default 2 */
  formatVersion?: 2 | 3;
  /**
   * How manifest lists name ids 504–506: as the Java library does, as the spec text does, or not at
   * all (optional in v1 lists). @default 'java'
   */
  listCounts?: 'java' | 'spec' | 'absent';
}

const JAVA_NAMES: Record<string, string> = {
  added_files_count: 'added_data_files_count',
  existing_files_count: 'existing_data_files_count',
  deleted_files_count: 'deleted_data_files_count',
};

function listSchema(counts: 'java' | 'spec' | 'absent'): avro.Schema {
  const s = manifestFileSchema as unknown as { fields: { name: string }[] };
  if (counts === 'spec') return manifestFileSchema;
  const fields =
    counts === 'java'
      ? s.fields.map((f) => ({ ...f, name: JAVA_NAMES[f.name] ?? f.name }))
      : s.fields.filter((f) => JAVA_NAMES[f.name] === undefined);
  return { ...s, fields } as unknown as avro.Schema;
}

async function writeParquet(file: ForeignFile, path: string): Promise<{ rows: number; size: number }> {
  const ids = Object.entries(file.fieldIds)
    .map(([name, id]) => `"${name}": ${id}`)
    .join(', ');
  const cols = Object.keys(file.fieldIds)
    .map((n) => `"${n}"`)
    .join(', ');
  const rows = await withDuckDB(async (c) => {
    await c.run(`COPY (SELECT ${cols} FROM (${file.sql})) TO '${path}' (FORMAT PARQUET, FIELD_IDS {${ids}})`);
    const r = await c.runAndReadAll(`SELECT count(*) AS n FROM (${file.sql})`);
    return Number(r.getRowObjects()[0]!.n);
  });
  let bytes = await readFile(path);
  for (const [from, to] of Object.entries(file.renameColumns ?? {})) {
    if (from.length !== to.length) throw new Error(`renameColumns: '${from}' and '${to}' differ in length`);
    bytes = Buffer.from(bytes.toString('latin1').split(from).join(to), 'latin1');
  }
  await writeFile(path, bytes);
  return { rows, size: bytes.byteLength };
}

/** Writes a foreign table's files and metadata and registers it in `pointers`; returns its metadata location. */
export async function writeForeignTable(options: ForeignTableOptions): Promise<string> {
  const { io, schema } = options;
  const spec = options.spec ?? { 'spec-id': 0, fields: [] };
  const record = options.recordPath ?? ((u: string) => u);
  const bound = bindPartitionSpec(spec, schema);
  const tmp = await mkdtemp(join(tmpdir(), 'foreign-'));
  let metadata: TableMetadata = newTableMetadata({ location: record(options.location), schema, spec, now: 1 });
  if (options.formatVersion === 3) metadata = { ...metadata, 'format-version': 3, 'next-row-id': 0 };
  const listed: Record<string, unknown>[] = [];
  let n = 0;
  try {
    for (const [c, files] of options.commits.entries()) {
      const seq = c + 1;
      const snapshotId = BigInt(1000 + seq);
      for (const content of [0, 1, 2] as const) {
        const group = files.filter((f) => (f.content ?? 0) === content);
        if (group.length === 0) continue;
        const entries: Record<string, unknown>[] = [];
        let rowsTotal = 0;
        for (const f of group) {
          const local = join(tmp, `f${n}.parquet`);
          const { rows, size } = await writeParquet(f, local);
          const uri = `${options.location}/data/f${n++}.parquet`;
          await io.write(uri, await readFile(local));
          rowsTotal += rows;
          const partition: Record<string, unknown> = {};
          bound.forEach((b, i) => (partition[`p${b.field['field-id']}`] = f.partition?.[i] ?? null));
          entries.push({
            status: 1,
            snapshot_id: snapshotId,
            sequence_number: null,
            file_sequence_number: null,
            data_file: {
              content,
              file_path: record(uri),
              file_format: f.format ?? 'PARQUET',
              partition,
              record_count: rows,
              file_size_in_bytes: size,
              column_sizes: null,
              value_counts: null,
              null_value_counts: null,
              nan_value_counts: null,
              lower_bounds: null,
              upper_bounds: null,
              key_metadata: null,
              split_offsets: null,
              equality_ids: f.equalityIds ?? null,
              sort_order_id: null,
            },
          });
        }
        // Partition struct fields named unlike the spec's fields: only their ids match.
        const partitionType = {
          type: 'record',
          name: 'r102',
          fields: bound.map((b) => ({
            name: `p${b.field['field-id']}`,
            type: ['null', avroTypeFor(b.resultType)],
            default: null,
            'field-id': b.field['field-id'],
          })),
        };
        const entrySchema = withPartitionType(manifestEntrySchema(bound), partitionType);
        const manifestUri = `${options.location}/metadata/m${seq}-${content}.avro`;
        const bytes = await encodeAvroFile(entrySchema, entries, {
          schema: JSON.stringify(schema),
          'partition-spec': JSON.stringify(spec.fields),
          'partition-spec-id': String(spec['spec-id']),
          'format-version': '2',
          content: content === 0 ? 'data' : 'deletes',
        });
        await io.write(manifestUri, bytes);
        const names = options.listCounts === 'spec' ? {} : JAVA_NAMES;
        const nameOf = (k: string): string => names[k] ?? k;
        listed.push({
          manifest_path: record(manifestUri),
          manifest_length: bytes.byteLength,
          partition_spec_id: spec['spec-id'],
          content: content === 0 ? 0 : 1,
          sequence_number: seq,
          min_sequence_number: seq,
          added_snapshot_id: snapshotId,
          [nameOf('added_files_count')]: group.length,
          [nameOf('existing_files_count')]: 0,
          [nameOf('deleted_files_count')]: 0,
          added_rows_count: rowsTotal,
          existing_rows_count: 0,
          deleted_rows_count: 0,
          partitions: null,
          key_metadata: null,
        });
      }
      const listUri = `${options.location}/metadata/snap-${snapshotId}.avro`;
      const schemaOfList = listSchema(options.listCounts ?? 'java');
      await io.write(listUri, await encodeAvroFile(schemaOfList, listed, { 'format-version': '2' }));
      metadata = withSnapshot(
        metadata,
        '',
        {
          'snapshot-id': snapshotId,
          ...(seq > 1 ? { 'parent-snapshot-id': snapshotId - 1n } : {}),
          'sequence-number': seq,
          'timestamp-ms': seq,
          'manifest-list': record(listUri),
          summary: { operation: 'append' },
          'schema-id': schema['schema-id'],
        },
        seq,
      );
    }
    metadata = { ...metadata, 'metadata-log': [] };
    const metadataUri = `${options.location}/metadata/v1.metadata.json`;
    await io.write(metadataUri, new TextEncoder().encode(serializeTableMetadata(metadata)));
    await options.pointers.create(options.identifier, record(metadataUri));
    return metadataUri;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
