import { describe, expect, it } from 'vitest';
import { SchemaDefinitionError } from '../errors.js';
import { EMPTY_SCHEMA_DEFINITION, parseSchemaDefinition } from './schema-definition.js';

describe('parseSchemaDefinition', () => {
  it('fills defaults and gathers primaryKey, uniqueKeys and unique columns into keys without repeats', () => {
    const definition = parseSchemaDefinition({
      columns: [{ name: 'id', type: 'integer', required: true, unique: true }, { name: 'note' }],
      primaryKey: ['id'],
      uniqueKeys: [['id'], ['a', 'b']],
    });
    expect(definition.columns[1]).toEqual({ name: 'note', type: 'string', required: false, unique: false });
    expect(definition.keys).toEqual([['id'], ['a', 'b']]);
    expect(definition.additionalColumns).toBe(true);
  });

  it('reads JSON text, as a jsonb column may arrive', () => {
    expect(parseSchemaDefinition('{"columns":[{"name":"x","type":"date","min":"2020-01-01"}]}').columns[0]?.min).toBe(
      '2020-01-01',
    );
  });

  it('tolerates unknown keys written by other tools', () => {
    expect(parseSchemaDefinition({ columns: [], owner: 'ui' }).columns).toEqual([]);
  });

  it('lists every issue of an invalid definition', () => {
    const attempt = (): unknown => parseSchemaDefinition({ columns: [{ name: '', type: 'money' }], uniqueKeys: [[]] });
    expect(attempt).toThrow(SchemaDefinitionError);
    expect(attempt).toThrow(/columns\.0\.name.*columns\.0\.type.*uniqueKeys\.0/);
  });

  it('rejects patterns that do not compile and bounds that do not fit the column type', () => {
    const attempt = (): unknown =>
      parseSchemaDefinition({
        columns: [
          { name: 'a', pattern: '([' },
          { name: 'b', type: 'number', min: 'low' },
          { name: 'c', type: 'date', max: 'someday' },
          { name: 'd', type: 'boolean', min: 0 },
          { name: 'e', type: 'integer', min: '5', max: 10 },
        ],
      });
    expect(attempt).toThrow(
      /columns\.0\.pattern: not a regular expression.*columns\.1\.min: expected a number.*columns\.2\.max: expected an ISO date.*columns\.3\.min: boolean columns take no bounds/,
    );
    expect(
      parseSchemaDefinition({ columns: [{ name: 'e', type: 'integer', min: '5', max: 10 }] }).columns[0]?.min,
    ).toBe('5');
  });

  it('names the root when the definition is not an object', () => {
    expect(() => parseSchemaDefinition(42)).toThrow(/\(root\):/);
  });

  it('rejects text that is not JSON and columns declared twice', () => {
    expect(() => parseSchemaDefinition('{nope')).toThrow(/not JSON/);
    expect(() => parseSchemaDefinition({ columns: [{ name: 'a' }, { name: 'a' }] })).toThrow(/declared twice/);
  });

  it('offers an empty definition that declares nothing', () => {
    expect(EMPTY_SCHEMA_DEFINITION).toEqual({ columns: [], keys: [], additionalColumns: true });
  });
});
