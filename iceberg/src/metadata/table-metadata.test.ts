import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidMetadataError } from '../errors.js';
import { currentSchema, currentSnapshot, parseTableMetadata, serializeTableMetadata } from './table-metadata.js';

// Fixtures copied from apache/iceberg core/src/test/resources (Apache-2.0); see test/fixtures/README.md.
const fixture = (name: string): Promise<string> =>
  readFile(fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url)), 'utf8');

describe('table metadata parser', () => {
  it('parses the reference implementation’s v2 metadata, keeping 64-bit snapshot ids exact', async () => {
    const m = parseTableMetadata(await fixture('TableMetadataV2Valid.json'));
    expect(m['format-version']).toBe(2);
    expect(m['current-snapshot-id']).toBe(3055729675574597004n);
    expect(m.snapshots.map((s) => s['snapshot-id'])).toEqual([3051729675574597004n, 3055729675574597004n]);
    expect(currentSnapshot(m)?.['parent-snapshot-id']).toBe(3051729675574597004n);
    expect(currentSchema(m).fields.map((f) => f.name)).toEqual(['x', 'y', 'z']);
    expect(m['partition-specs'][0]!.fields[0]).toMatchObject({ transform: 'identity', 'field-id': 1000 });
    expect(m['sort-orders'][0]!['order-id']).toBe(3);
    expect(m.refs.main?.['snapshot-id']).toBe(3055729675574597004n);
  });

  it('parses the minimal v2 example and upgrades v1 metadata to the v2 shape', async () => {
    expect(parseTableMetadata(await fixture('TableMetadataV2ValidMinimal.json')).snapshots).toEqual([]);
    const v1 = parseTableMetadata(await fixture('TableMetadataV1Valid.json'));
    expect(v1.schemas).toHaveLength(1);
    expect(v1['partition-specs'][0]!.fields[0]!.transform).toBe('identity');
  });

  it('rejects unsupported versions and v2 metadata missing required fields', async () => {
    expect(() => parseTableMetadata('{"format-version": 4}')).toThrow(/unsupported format-version 4/);
    await expect(fixture('TableMetadataUnsupportedVersion.json').then(parseTableMetadata)).rejects.toThrow(
      InvalidMetadataError,
    );
    await expect(fixture('TableMetadataV2MissingSchemas.json').then(parseTableMetadata)).rejects.toThrow(
      /requires schemas/,
    );
  });

  it('serializes back to JSON that parses to the same metadata, ids as bare integers', async () => {
    const m = parseTableMetadata(await fixture('TableMetadataV2Valid.json'));
    const text = serializeTableMetadata(m);
    expect(text).toContain('"current-snapshot-id": 3055729675574597004');
    expect(parseTableMetadata(text)).toEqual(m);
  });
});
