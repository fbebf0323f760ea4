import { describe, expect, it } from 'vitest';
import { QualityError } from '../errors.js';
import { cleanColumn, type FileFacts } from './file-facts.js';
import { buildProfilePayload, type ProfileFacts } from './profile.js';
import { EMPTY_SCHEMA_DEFINITION, parseSchemaDefinition } from './schema-definition.js';

const definition = parseSchemaDefinition({
  columns: [
    { name: 'id', type: 'integer', required: true },
    { name: 'price', type: 'number', min: 0, max: 100 },
    { name: 'side', type: 'string', allowedValues: ['buy', 'sell'] },
  ],
});

const facts: FileFacts = {
  format: 'CSV (header)',
  rowCount: 200,
  rowsMissingRequired: 4,
  keys: [{ columns: ['id'], rowsWithKey: 196, distinctKeys: 190 }],
  columns: [
    { ...cleanColumn('id', 'VARCHAR', 196, 4) },
    {
      ...cleanColumn('price', 'VARCHAR', 200),
      typeMismatches: 2,
      typeMismatchExamples: ['n/a'],
      aboveMax: 3,
      boundsExamples: ['150', '999'],
    },
    { ...cleanColumn('side', 'VARCHAR', 200), formatMismatches: 1, formatMismatchExamples: ['hold'] },
    cleanColumn('note', 'VARCHAR', 0, 200),
  ],
};

function profile(sampleRows = 60, topValues = 40): ProfileFacts {
  return {
    rowCount: 200,
    columns: [
      { name: 'id', type: 'VARCHAR', nonNull: 196, nulls: 4, distinct: 190, min: '1', max: '199' },
      {
        name: 'price',
        type: 'VARCHAR',
        nonNull: 200,
        nulls: 0,
        distinct: 150,
        min: 0.5,
        max: 999,
        mean: 10.123456,
        stddev: 3.3333333,
        histogram: Array.from({ length: 30 }, (_, i) => ({ lower: i / 3, upper: (i + 1) / 3, count: i })),
      },
      {
        name: 'side',
        type: 'VARCHAR',
        nonNull: 200,
        nulls: 0,
        distinct: 3,
        topValues: Array.from({ length: topValues }, (_, i) => ({ value: `v${i}`, count: 100 - i })),
      },
      { name: 'note', type: 'VARCHAR', nonNull: 0, nulls: 200, distinct: 0, mean: null, stddev: null },
    ],
    sample: {
      columns: ['id', 'price', 'side', 'note'],
      rows: Array.from({ length: sampleRows }, (_, i) => [String(i), i * 1.123456, 'x'.repeat(500), null]),
    },
  };
}

describe('buildProfilePayload', () => {
  it('holds every section the UI reads', () => {
    const payload = buildProfilePayload(profile(), facts, definition);
    expect(Object.keys(payload)).toEqual([
      'statisticalSummary',
      'completenessOverview',
      'typeFormatIssues',
      'uniquenessOverview',
      'valueDistributions',
      'boundsAnomalies',
      'sampleData',
    ]);
    expect(payload.statisticalSummary.columns[1]).toEqual({
      name: 'price',
      type: 'VARCHAR',
      count: 200,
      nulls: 0,
      distinct: 150,
      min: 0.5,
      max: 999,
      mean: 10.1235,
      stddev: 3.3333,
    });
    expect(payload.statisticalSummary.columns[3]).toMatchObject({ min: null, max: null, mean: null, stddev: null });
    expect(payload.completenessOverview).toMatchObject({
      rowCount: 200,
      completenessPercent: 74.5,
      rowsMissingRequired: 4,
    });
    expect(payload.completenessOverview.columns[0]).toEqual({
      name: 'id',
      required: true,
      nonNull: 196,
      nulls: 4,
      completenessPercent: 98,
    });
    expect(payload.typeFormatIssues).toEqual([
      {
        column: 'price',
        declaredType: 'number',
        physicalType: 'VARCHAR',
        typeMismatches: 2,
        formatMismatches: 0,
        examples: ['n/a'],
      },
      {
        column: 'side',
        declaredType: 'string',
        physicalType: 'VARCHAR',
        typeMismatches: 0,
        formatMismatches: 1,
        examples: ['hold'],
      },
    ]);
    expect(payload.uniquenessOverview.keys).toEqual([
      { columns: ['id'], rowsWithKey: 196, distinctKeys: 190, duplicateRows: 6, uniquePercent: 96.9388 },
    ]);
    expect(payload.uniquenessOverview.columns[3]).toEqual({ name: 'note', distinct: 0, uniquePercent: 100 });
    expect(payload.boundsAnomalies).toEqual([
      { column: 'price', min: 0, max: 100, belowMin: 0, aboveMax: 3, examples: ['150', '999'] },
    ]);
  });

  it('caps distributions at 10 items by default and 25 at most', () => {
    const small = buildProfilePayload(profile(), facts, definition);
    expect(small.valueDistributions.map((d) => [d.column, d.kind, d.items.length])).toEqual([
      ['price', 'histogram', 10],
      ['side', 'top', 10],
    ]);
    expect(small.valueDistributions[1]?.items[0]).toEqual({ value: 'v0', count: 100 });
    const large = buildProfilePayload(profile(), facts, definition, { distributionItems: 25 });
    expect(large.valueDistributions.every((d) => d.items.length === 25)).toBe(true);
  });

  it('caps sample rows at 25 by default and 50 at most, and cuts long values', () => {
    const payload = buildProfilePayload(profile(), facts, definition);
    expect(payload.sampleData?.rows).toHaveLength(25);
    expect(payload.sampleData?.truncated).toBe(true);
    expect(payload.sampleData?.rows[1]).toEqual(['1', 1.1235, `${'x'.repeat(199)}…`, null]);
    expect(buildProfilePayload(profile(), facts, definition, { sampleRows: 50 }).sampleData?.rows).toHaveLength(50);
    expect(buildProfilePayload(profile(10), facts, definition).sampleData).toMatchObject({ truncated: false });
  });

  it('rejects caps outside the allowed ranges with a user error', () => {
    expect(() => buildProfilePayload(profile(), facts, definition, { sampleRows: 100 })).toThrow(QualityError);
    expect(() => buildProfilePayload(profile(), facts, definition, { distributionItems: 5 })).toThrow(
      /distributionItems/,
    );
  });

  it('keeps the payload under its byte budget by shrinking, then dropping, the sample', () => {
    const budget = 16_384;
    const payload = buildProfilePayload(profile(50), facts, definition, {
      sampleRows: 50,
      maxValueLength: 10_000,
      maxBytes: budget,
    });
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThanOrEqual(budget);
    expect(payload.sampleData?.rows.length).toBeLessThan(50);
    const wide = profile(50);
    const huge = {
      ...wide,
      sample: { columns: wide.sample.columns, rows: [Array.from({ length: 4 }, () => 'y'.repeat(10_000))] },
    };
    const dropped = buildProfilePayload(huge, facts, definition, { maxValueLength: 10_000, maxBytes: budget });
    expect(dropped.sampleData).toBeUndefined();
  });

  it('profiles at most maxColumns columns and says how many it left out', () => {
    const payload = buildProfilePayload(profile(), facts, EMPTY_SCHEMA_DEFINITION, { maxColumns: 2 });
    expect(payload.statisticalSummary).toMatchObject({ columnCount: 4, truncatedColumns: 2 });
    expect(payload.sampleData?.columns).toEqual(['id', 'price']);
    expect(payload.completenessOverview.columns.every((c) => !c.required)).toBe(true);
    expect(payload.typeFormatIssues[0]?.declaredType).toBeNull();
    expect(payload.boundsAnomalies).toEqual([]);
  });

  it('reports a bounds anomaly without examples and a one-sided bound', () => {
    const oneSided = parseSchemaDefinition({ columns: [{ name: 'price', type: 'number', min: 0 }] });
    const payload = buildProfilePayload(
      profile(),
      { ...facts, columns: [{ ...cleanColumn('price', 'DOUBLE', 200), belowMin: 2 }] },
      oneSided,
    );
    expect(payload.boundsAnomalies).toEqual([
      { column: 'price', min: 0, max: null, belowMin: 2, aboveMax: 0, examples: [] },
    ]);
    const capOnly = parseSchemaDefinition({ columns: [{ name: 'price', type: 'number', max: 10 }] });
    const capped = buildProfilePayload(
      profile(),
      { ...facts, columns: [{ ...cleanColumn('price', 'DOUBLE', 200), aboveMax: 1 }] },
      capOnly,
    );
    expect(capped.boundsAnomalies[0]).toMatchObject({ min: null, max: 10, aboveMax: 1 });
  });

  it('reports 100% completeness for a file without cells', () => {
    const empty = buildProfilePayload(
      { rowCount: 0, columns: [], sample: { columns: [], rows: [] } },
      { ...facts, columns: [], keys: [] },
      definition,
    );
    expect(empty.completenessOverview.completenessPercent).toBe(100);
    expect(empty.valueDistributions).toEqual([]);
  });
});
