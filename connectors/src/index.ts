/**
 * @coattail/connectors — the runtime's connections to the outside: object stores (local, S3),
 * and (as they land) Kinesis, Kafka, DynamoDB, the DLQ writer and the local AWS stack.
 *
 * @example
 * import { LocalObjectStore } from '@coattail/connectors';
 * const store = new LocalObjectStore('.coattail/objects');
 * await store.put('raw/dt=2026-11-21/part-0.parquet', bytes);
 */
export type { ObjectStore } from './object-store/object-store.js';
export { LocalObjectStore } from './object-store/local-object-store.js';
