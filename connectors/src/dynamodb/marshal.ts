import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Json } from '@coattail/runtime';
import { ConnectorConfigError } from '../errors.js';

/**
 * Converts a JSON value to a DynamoDB attribute value (numbers as N, strings as S, and so on),
 * the few lines of `@aws-sdk/util-dynamodb` we need. Non-finite numbers are refused: DynamoDB
 * cannot store them and silently writing null would hide a bug upstream.
 */
export function toAttribute(value: Json): AttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'boolean') return { BOOL: value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ConnectorConfigError(`cannot store the number ${value} in DynamoDB`);
    return { N: String(value) };
  }
  if (Array.isArray(value)) return { L: value.map(toAttribute) };
  return { M: toItem(value) };
}

/** A JSON object as a DynamoDB item; `undefined` members are left out. */
export function toItem(value: { [key: string]: Json | undefined }): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toAttribute(v);
  return out;
}

/** The inverse of {@link toAttribute} for the types it writes. */
export function fromAttribute(value: AttributeValue): Json {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.L !== undefined) return value.L.map(fromAttribute);
  if (value.M !== undefined) return fromItem(value.M);
  if (value.SS !== undefined) return value.SS;
  throw new ConnectorConfigError(`unsupported DynamoDB attribute type: ${Object.keys(value).join(',')}`);
}

/** A DynamoDB item as a JSON object. */
export function fromItem(item: Record<string, AttributeValue>): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(item)) out[k] = fromAttribute(v);
  return out;
}
