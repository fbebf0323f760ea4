import type avro from 'avsc';
import { IcebergUsageError } from '../errors.js';
import type { IcebergType } from '../schema/types.js';
import type { BoundPartitionField } from '../spec/partition-spec.js';

/**
 * The Avro schemas of manifests and manifest lists, with the field ids of the spec
 * (Manifests / Manifest Lists) as `field-id` attributes so ID-based readers can project them.
 */

function optional(name: string, type: unknown, fieldId: number): Record<string, unknown> {
  return { name, type: ['null', type], default: null, 'field-id': fieldId };
}

function required(name: string, type: unknown, fieldId: number): Record<string, unknown> {
  return { name, type, 'field-id': fieldId };
}

/** Maps with int keys are arrays of key/value records with the `map` logical type (spec Appendix A). */
function intMap(
  name: string,
  fieldId: number,
  keyId: number,
  valueId: number,
  valueType: string,
): Record<string, unknown> {
  return optional(
    name,
    {
      type: 'array',
      logicalType: 'map',
      items: {
        type: 'record',
        name: `k${keyId}_v${valueId}`,
        fields: [
          { name: 'key', type: 'int', 'field-id': keyId },
          { name: 'value', type: valueType, 'field-id': valueId },
        ],
      },
    },
    fieldId,
  );
}

/** Avro type of a partition value (primitive types only). */
export function avroTypeFor(type: IcebergType): unknown {
  switch (type) {
    case 'boolean':
    case 'int':
    case 'long':
    case 'float':
    case 'double':
    case 'string':
      return type;
    case 'date':
      return { type: 'int', logicalType: 'date' };
    case 'time':
      return { type: 'long', logicalType: 'time-micros' };
    case 'timestamp':
      return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': false };
    case 'timestamptz':
      return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': true };
    case 'binary':
      return 'bytes';
    default:
      throw new IcebergUsageError(`partition values of type ${JSON.stringify(type)} are not supported`);
  }
}

/** The `manifest_entry` schema (v2) for a partition spec. */
export function manifestEntrySchema(partition: readonly BoundPartitionField[]): avro.Schema {
  const partitionRecord = {
    type: 'record',
    name: 'r102',
    fields: partition.map((p) => optional(p.field.name, avroTypeFor(p.resultType), p.field['field-id'])),
  };
  const dataFile = {
    type: 'record',
    name: 'r2',
    fields: [
      required('content', 'int', 134),
      required('file_path', 'string', 100),
      required('file_format', 'string', 101),
      required('partition', partitionRecord, 102),
      required('record_count', 'long', 103),
      required('file_size_in_bytes', 'long', 104),
      intMap('column_sizes', 108, 117, 118, 'long'),
      intMap('value_counts', 109, 119, 120, 'long'),
      intMap('null_value_counts', 110, 121, 122, 'long'),
      intMap('nan_value_counts', 137, 138, 139, 'long'),
      intMap('lower_bounds', 125, 126, 127, 'bytes'),
      intMap('upper_bounds', 128, 129, 130, 'bytes'),
      optional('key_metadata', 'bytes', 131),
      optional('split_offsets', { type: 'array', items: 'long', 'element-id': 133 }, 132),
      optional('equality_ids', { type: 'array', items: 'int', 'element-id': 136 }, 135),
      optional('sort_order_id', 'int', 140),
    ],
  };
  return {
    type: 'record',
    name: 'manifest_entry',
    fields: [
      required('status', 'int', 0),
      optional('snapshot_id', 'long', 1),
      optional('sequence_number', 'long', 3),
      optional('file_sequence_number', 'long', 4),
      required('data_file', dataFile, 2),
    ],
  } as avro.Schema;
}

/** The `manifest_file` schema (v2) of manifest lists. */
export const manifestFileSchema = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    required('manifest_path', 'string', 500),
    required('manifest_length', 'long', 501),
    required('partition_spec_id', 'int', 502),
    required('content', 'int', 517),
    required('sequence_number', 'long', 515),
    required('min_sequence_number', 'long', 516),
    required('added_snapshot_id', 'long', 503),
    required('added_files_count', 'int', 504),
    required('existing_files_count', 'int', 505),
    required('deleted_files_count', 'int', 506),
    required('added_rows_count', 'long', 512),
    required('existing_rows_count', 'long', 513),
    required('deleted_rows_count', 'long', 514),
    optional(
      'partitions',
      {
        type: 'array',
        'element-id': 508,
        items: {
          type: 'record',
          name: 'r508',
          fields: [
            required('contains_null', 'boolean', 509),
            optional('contains_nan', 'boolean', 518),
            optional('lower_bound', 'bytes', 510),
            optional('upper_bound', 'bytes', 511),
          ],
        },
      },
      507,
    ),
    optional('key_metadata', 'bytes', 519),
  ],
} as avro.Schema;

/** A copy of a `manifest_entry` schema whose `data_file.partition` has another type (for readers). */
export function withPartitionType(entrySchema: avro.Schema, partitionType: unknown): avro.Schema {
  const entry = entrySchema as unknown as { fields: { name: string; type: unknown }[] };
  return {
    ...entry,
    fields: entry.fields.map((f) => {
      if (f.name !== 'data_file') return f;
      const dataFile = f.type as { fields: { name: string }[] };
      return {
        ...f,
        type: {
          ...dataFile,
          fields: dataFile.fields.map((g) => (g.name === 'partition' ? { ...g, type: partitionType } : g)),
        },
      };
    }),
  } as unknown as avro.Schema;
}
