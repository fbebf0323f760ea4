import { z } from 'zod';
import { IcebergUsageError } from '../errors.js';
import { fieldById, fieldByName } from '../schema/schema.js';
import type { IcebergType, Schema } from '../schema/types.js';
import {
  applyTransform,
  parseTransform,
  partitionValueToPath,
  transformResultType,
  type Transform,
} from './transforms.js';
import type { IcebergValue } from './values.js';

/** One field of a partition spec as serialized in metadata (spec Appendix C). */
export interface PartitionField {
  'source-id': number;
  'field-id': number;
  name: string;
  transform: string;
}

export interface PartitionSpec {
  'spec-id': number;
  fields: PartitionField[];
}

export const partitionFieldSchema = z.looseObject({
  'source-id': z.number().int(),
  'field-id': z.number().int(),
  name: z.string(),
  transform: z.string(),
});

export const partitionSpecSchema = z.looseObject({
  'spec-id': z.number().int(),
  fields: z.array(partitionFieldSchema),
});

/** A partition field request for {@link definePartitionSpec}: source column name and transform string. */
export interface PartitionFieldDefinition {
  source: string;
  /** `identity`, `bucket[N]`, `truncate[W]`, `year`, `month`, `day` or `hour`. */
  transform: string;
  /** @default `<source>_<transform>` (or the source name for identity), as Java names them */
  name?: string;
}

function defaultName(source: string, t: Transform): string {
  if (t.kind === 'identity') return source;
  if (t.kind === 'bucket') return `${source}_bucket`;
  if (t.kind === 'truncate') return `${source}_trunc`;
  return `${source}_${t.kind}`;
}

/**
 * Builds a partition spec; partition field ids start at 1000 as in the reference implementation.
 *
 * @example
 * definePartitionSpec(schema, [{ source: 'event_time', transform: 'day' }, { source: 'symbol', transform: 'identity' }]);
 */
export function definePartitionSpec(
  schema: Schema,
  fields: readonly PartitionFieldDefinition[],
  specId = 0,
  firstFieldId = 1000,
): PartitionSpec {
  return {
    'spec-id': specId,
    fields: fields.map((f, i) => {
      const source = fieldByName(schema, f.source);
      const t = parseTransform(f.transform);
      if (t.kind === 'unknown')
        throw new IcebergUsageError(`unknown transform '${f.transform}' for column '${f.source}'`);
      return {
        'source-id': source.id,
        'field-id': firstFieldId + i,
        name: f.name ?? defaultName(f.source, t),
        transform: f.transform,
      };
    }),
  };
}

/** A partition field resolved against a schema: what readers and writers need. */
export interface BoundPartitionField {
  field: PartitionField;
  transform: Transform;
  sourceName: string;
  sourceType: IcebergType;
  resultType: IcebergType;
}

/** Resolves each partition field's source column and result type in a schema. */
export function bindPartitionSpec(spec: PartitionSpec, schema: Schema): BoundPartitionField[] {
  return spec.fields.map((field) => {
    const source = fieldById(schema, field['source-id']);
    if (!source)
      throw new IcebergUsageError(
        `partition field '${field.name}' refers to column id ${field['source-id']}, which the schema does not have`,
      );
    const transform = parseTransform(field.transform);
    return {
      field,
      transform,
      sourceName: source.name,
      sourceType: source.type,
      resultType: transformResultType(transform, source.type),
    };
  });
}

/** The partition tuple of a row (values in spec field order). */
export function partitionTuple(
  bound: readonly BoundPartitionField[],
  row: Readonly<Record<string, IcebergValue | null>>,
): (IcebergValue | null)[] {
  return bound.map((b) => applyTransform(b.transform, b.sourceType, row[b.sourceName] ?? null));
}

/** The Hive-style path of a partition tuple, e.g. `event_time_day=2026-11-21/symbol=BTCUSDT`. */
export function partitionPath(bound: readonly BoundPartitionField[], tuple: readonly (IcebergValue | null)[]): string {
  return bound
    .map((b, i) => `${encodeURIComponent(b.field.name)}=${partitionValueToPath(b.transform, tuple[i] ?? null)}`)
    .join('/');
}
