import { describe, expect, it } from 'vitest';
import { assessFile, assessParseFailure } from './assess.js';
import { cleanColumn, type ColumnFacts, type FileFacts } from './file-facts.js';
import { EMPTY_SCHEMA_DEFINITION, parseSchemaDefinition } from './schema-definition.js';

const definition = parseSchemaDefinition({
  columns: [
    { name: 'id', type: 'integer', required: true, unique: true },
    { name: 'price', type: 'number', required: true, min: 0, max: 1000 },
    { name: 'side', type: 'string', allowedValues: ['buy', 'sell'] },
    { name: 'traded_at', type: 'timestamp', required: true, min: '2020-01-01' },
    { name: 'venue', type: 'string', pattern: '[A-Z]+' },
  ],
});

function facts(
  overrides: Partial<Record<string, Partial<ColumnFacts> | null>> = {},
  extra: Partial<FileFacts> = {},
): FileFacts {
  const names: [string, string][] = [
    ['id', 'VARCHAR'],
    ['price', 'VARCHAR'],
    ['side', 'VARCHAR'],
    ['traded_at', 'VARCHAR'],
    ['venue', 'VARCHAR'],
  ];
  return {
    format: 'CSV (header)',
    rowCount: 100,
    rowsMissingRequired: 0,
    keys: [{ columns: ['id'], rowsWithKey: 100, distinctKeys: 100 }],
    columns: names
      .filter(([n]) => overrides[n] !== null)
      .map(([n, t]) => ({ ...cleanColumn(n, t, 100), ...overrides[n] })),
    ...extra,
  };
}

describe('assessFile', () => {
  it('scores a clean file 100 with every check passed and no failure message', () => {
    const quality = assessFile(facts(), definition);
    expect(quality.score).toBe(100);
    expect(quality.passed).toBe(true);
    expect(quality.deductions).toEqual({ schema: 0, format: 0, completeness: 0, bounds: 0, uniqueness: 0 });
    expect(Object.keys(quality.metrics)).toEqual([
      'schemaValidation',
      'formatParsing',
      'completeness',
      'boundsRange',
      'uniqueness',
    ]);
    for (const metric of Object.values(quality.metrics)) {
      expect(metric.passed).toBe(true);
      expect(typeof metric.details).toBe('string');
    }
    expect(quality.metrics.formatParsing.details).toBe('CSV (header) parsed, 100 rows');
    expect(quality.metrics.boundsRange.details).toBe('All values in expected ranges');
    expect(quality.failedValidationMessage).toBeNull();
    expect(quality.failedValidationRules).toBeNull();
  });

  it('scores the documented example by the rules, not its numbers: 3% incomplete rows deduct 0.6 (not 6), 97% key uniqueness 0.3 (not 17), score 99', () => {
    const quality = assessFile(
      facts(
        { price: { nonNull: 97, nulls: 3 } },
        { rowsMissingRequired: 3, keys: [{ columns: ['id'], rowsWithKey: 100, distinctKeys: 97 }] },
      ),
      definition,
    );
    expect(quality.metrics.completeness).toMatchObject({
      passed: false,
      details: '3% of rows have nulls in required fields',
    });
    expect(quality.metrics.uniqueness).toMatchObject({ passed: false, details: 'Primary key uniqueness 97%' });
    expect(quality.deductions).toEqual({ schema: 0, format: 0, completeness: 0.6, bounds: 0, uniqueness: 0.3 });
    expect(quality.score).toBe(99);
    expect(quality.passed).toBe(true);
    expect(quality.failedValidationRules).toEqual([
      {
        check: 'completeness',
        rule: 'completeness.required',
        column: 'price',
        failedCount: 3,
        message: "3 rows have no 'price'",
      },
      {
        check: 'uniqueness',
        rule: 'uniqueness.key',
        column: 'id',
        failedCount: 3,
        message: '3 rows repeat a value of key (id)',
      },
    ]);
  });

  it('deducts 40 × failed/declared for a missing required column and a wholly mistyped column', () => {
    const quality = assessFile(
      facts({ venue: null, traded_at: { typeMismatches: 100, typeMismatchExamples: ['yesterday'] } }),
      definition,
    );
    // venue is optional: missing it is fine. traded_at holds no timestamp: 1 of 5 fields.
    expect(quality.deductions.schema).toBe(8);
    expect(quality.metrics.schemaValidation.details).toContain("column 'traded_at' (VARCHAR) holds no timestamp value");
    // the mistyped column is not charged again by format or bounds
    expect(quality.deductions.format).toBe(0);
    expect(quality.deductions.bounds).toBe(0);
    const missing = assessFile(facts({ id: null }, { keys: [] }), definition);
    expect(missing.deductions.schema).toBe(8);
    expect(missing.metrics.uniqueness.details).toBe('key (id) not checked: column missing');
    expect(missing.metrics.uniqueness.passed).toBe(true);
    expect(missing.failedValidationRules?.[0]).toMatchObject({ rule: 'schema.missing_column', column: 'id' });
  });

  it('fails undeclared columns when additionalColumns is false', () => {
    const strict = parseSchemaDefinition({ columns: [{ name: 'id', type: 'integer' }], additionalColumns: false });
    const quality = assessFile(facts(), strict);
    expect(quality.metrics.schemaValidation).toMatchObject({ passed: false, failed: 4, total: 5 });
    expect(quality.deductions.schema).toBe(32);
  });

  it('deducts 35 × bad values / checked values for type, pattern and allowed-value failures', () => {
    const quality = assessFile(
      facts({
        price: { typeMismatches: 5, typeMismatchExamples: ['abc'] },
        side: { formatMismatches: 10, formatMismatchExamples: ['hold'] },
        venue: { formatMismatches: 5 },
      }),
      definition,
    );
    // 20 bad of 500 checked values
    expect(quality.deductions.format).toBe(1.4);
    expect(quality.metrics.formatParsing.details).toBe(
      'CSV (header) parsed, 100 rows; 20 of 500 values (4%) do not match their declared type or format',
    );
    const rules = quality.failedValidationRules?.map((r) => r.rule);
    expect(rules).toEqual(['format.type', 'format.allowed_values', 'format.pattern']);
    expect(quality.failedValidationRules?.[1]?.message).toContain('allowed values (buy, sell)');
    expect(quality.failedValidationRules?.[2]?.message).toContain('pattern /[A-Z]+/');
  });

  it('deducts 15 × out-of-range values / bounded values', () => {
    const quality = assessFile(
      facts({ price: { belowMin: 2, aboveMax: 8, boundsExamples: ['-1', '5000'] }, traded_at: { belowMin: 10 } }),
      definition,
    );
    expect(quality.deductions.bounds).toBe(1.5);
    expect(quality.metrics.boundsRange.details).toBe('20 of 200 bounded values (10%) out of range');
    expect(quality.failedValidationRules?.map((r) => `${r.rule}:${r.column}:${r.failedCount}`)).toEqual([
      'bounds.min:price:2',
      'bounds.max:price:8',
      'bounds.min:traded_at:10',
    ]);
  });

  it('averages the duplicate ratio over several keys', () => {
    const def = parseSchemaDefinition({
      columns: [{ name: 'id' }, { name: 'venue' }],
      uniqueKeys: [['id'], ['id', 'venue']],
    });
    const quality = assessFile(
      facts(
        {},
        {
          keys: [
            { columns: ['id'], rowsWithKey: 100, distinctKeys: 50 },
            { columns: ['id', 'venue'], rowsWithKey: 0, distinctKeys: 0 },
          ],
        },
      ),
      def,
    );
    expect(quality.deductions.uniqueness).toBe(2.5);
    expect(quality.metrics.uniqueness.details).toBe('key id uniqueness 50%; key (id,venue) uniqueness 100%');
  });

  it('clamps at 0 when every check fails completely, and lists every failure', () => {
    const quality = assessFile(
      facts(
        {
          id: null,
          price: { typeMismatches: 50, belowMin: 50 },
          side: { formatMismatches: 100 },
          traded_at: { belowMin: 100 },
          venue: { formatMismatches: 100 },
        },
        { rowsMissingRequired: 100, keys: [] },
      ),
      parseSchemaDefinition({ ...{ columns: definition.columns }, additionalColumns: true, uniqueKeys: [['side']] }),
    );
    expect(quality.score).toBeGreaterThanOrEqual(0);
    expect(quality.passed).toBe(false);
    const total = assessFile(
      {
        format: 'CSV',
        rowCount: 10,
        rowsMissingRequired: 10,
        keys: [{ columns: ['a'], rowsWithKey: 10, distinctKeys: 1 }],
        columns: [{ ...cleanColumn('a', 'VARCHAR', 10), formatMismatches: 10, belowMin: 10 }],
      },
      parseSchemaDefinition({
        columns: [
          { name: 'a', required: true, pattern: 'x', min: 5 },
          { name: 'b', required: true },
        ],
        uniqueKeys: [['a']],
      }),
    );
    expect(total.deductions).toEqual({ schema: 20, format: 35, completeness: 20, bounds: 15, uniqueness: 9 });
    expect(total.score).toBe(1);
    const floor = assessFile(
      {
        format: 'CSV',
        rowCount: 10,
        rowsMissingRequired: 10,
        keys: [{ columns: ['a'], rowsWithKey: 10, distinctKeys: 1 }],
        columns: [{ ...cleanColumn('a', 'VARCHAR', 10), formatMismatches: 10, belowMin: 10 }],
      },
      parseSchemaDefinition({
        columns: [
          { name: 'a', required: true, pattern: 'x', min: 5 },
          { name: 'b', required: true },
          { name: 'c', required: true },
        ],
        uniqueKeys: [['a']],
      }),
    );
    expect(floor.score).toBe(0);
    expect(floor.failedValidationMessage?.split('\n')).toHaveLength(5);
  });

  it('passes every check vacuously without a schema definition', () => {
    const quality = assessFile(facts());
    expect(quality.score).toBe(100);
    expect(quality.metrics.schemaValidation.details).toBe('No schema definition: columns not validated');
    expect(quality.metrics.completeness.details).toBe('No required fields declared');
    expect(quality.metrics.boundsRange.details).toBe('No bounds declared');
    expect(quality.metrics.uniqueness.details).toBe('No unique keys declared');
    expect(assessFile(facts(), EMPTY_SCHEMA_DEFINITION).score).toBe(100);
  });

  it('charges an invalid schema definition to the schema check and checks nothing else', () => {
    const quality = assessFile(facts(), definition, {
      invalidDefinition: 'schema definition is invalid: columns: expected array',
    });
    expect(quality.deductions.schema).toBe(40);
    expect(quality.score).toBe(60);
    expect(quality.failedValidationRules).toEqual([
      {
        check: 'schemaValidation',
        rule: 'schema.definition_invalid',
        failedCount: 1,
        message: 'schema definition is invalid: columns: expected array',
      },
    ]);
  });

  it('counts a required column without nulls as complete and an empty file as passing', () => {
    const empty = assessFile(
      {
        format: 'JSONL',
        rowCount: 0,
        rowsMissingRequired: 0,
        keys: [{ columns: ['id'], rowsWithKey: 0, distinctKeys: 0 }],
        columns: [cleanColumn('id', 'BIGINT', 0)],
      },
      definition,
    );
    expect(empty.metrics.completeness.details).toBe('All 0 rows have every required field');
    expect(empty.metrics.uniqueness.details).toBe('Primary key uniqueness 100%');
  });
});

describe('assessParseFailure', () => {
  it('fails formatParsing with the whole format deduction and the parser error, leaving the others not evaluated', () => {
    const quality = assessParseFailure('Parquet', 'No magic bytes found at end of file');
    expect(quality.deductions).toEqual({ schema: 0, format: 35, completeness: 0, bounds: 0, uniqueness: 0 });
    expect(quality.score).toBe(65);
    expect(quality.passed).toBe(false);
    expect(quality.metrics.formatParsing).toMatchObject({
      passed: false,
      details: 'Parquet could not be parsed: No magic bytes found at end of file',
    });
    expect(quality.metrics.completeness.details).toBe('Not evaluated: the file could not be parsed');
    expect(quality.failedValidationMessage).toBe('Parquet could not be parsed: No magic bytes found at end of file');
    expect(quality.failedValidationRules).toEqual([
      {
        check: 'formatParsing',
        rule: 'format.parse',
        failedCount: 1,
        message: 'Parquet could not be parsed: No magic bytes found at end of file',
      },
    ]);
  });
});
