import { z } from 'zod';
import { QualityError } from '../errors.js';
import type { FileFacts } from './file-facts.js';
import type { SchemaDefinition } from './schema-definition.js';
import { round4 } from './scoring.js';

/** A value as it may appear in a sample row or distribution. */
export type ProfileValue = string | number | boolean | null;

/** What a parser measured for the profile of one column. */
export interface ColumnProfileFacts {
  readonly name: string;
  readonly type: string;
  readonly nonNull: number;
  readonly nulls: number;
  /** Distinct non-null values (may be approximate for large files). */
  readonly distinct: number;
  readonly min?: ProfileValue;
  readonly max?: ProfileValue;
  readonly mean?: number | null;
  readonly stddev?: number | null;
  /** Most frequent values, most frequent first (categorical columns). */
  readonly topValues?: readonly { readonly value: ProfileValue; readonly count: number }[];
  /** Equal-width bins (numeric columns). */
  readonly histogram?: readonly { readonly lower: number; readonly upper: number; readonly count: number }[];
}

/** What a parser measured for the profile of one file. */
export interface ProfileFacts {
  readonly rowCount: number;
  readonly columns: readonly ColumnProfileFacts[];
  readonly sample: { readonly columns: readonly string[]; readonly rows: readonly (readonly ProfileValue[])[] };
}

/** Caps of the profile payload: the UI wants it, the table should not hold megabytes. */
export const profileOptionsSchema = z
  .object({
    /** Sample rows kept (25–50 allowed). @default 25 */
    sampleRows: z.number().int().min(25).max(50).default(25),
    /** Items per value distribution (10–25 allowed). @default 10 */
    distributionItems: z.number().int().min(10).max(25).default(10),
    /** Columns profiled; the rest are counted in `truncatedColumns`. @default 100 */
    maxColumns: z.number().int().min(1).max(1000).default(100),
    /** Longest text kept for a value; longer ones are cut and end with '…'. @default 200 */
    maxValueLength: z.number().int().min(16).max(10_000).default(200),
    /** Payload budget in bytes of JSON: sample rows, then the sample, are dropped to fit. @default 262144 */
    maxBytes: z.number().int().min(16_384).default(262_144),
  })
  .strict();

export type ProfileOptions = z.input<typeof profileOptionsSchema>;

/** The `profile_payload` JSON of `reporting.monitoring_file_data_profile`. */
export interface ProfilePayload {
  readonly statisticalSummary: {
    rowCount: number;
    columnCount: number;
    truncatedColumns: number;
    columns: {
      name: string;
      type: string;
      count: number;
      nulls: number;
      distinct: number;
      min: ProfileValue;
      max: ProfileValue;
      mean: number | null;
      stddev: number | null;
    }[];
  };
  readonly completenessOverview: {
    rowCount: number;
    completenessPercent: number;
    rowsMissingRequired: number;
    columns: { name: string; required: boolean; nonNull: number; nulls: number; completenessPercent: number }[];
  };
  readonly typeFormatIssues: {
    column: string;
    declaredType: string | null;
    physicalType: string;
    typeMismatches: number;
    formatMismatches: number;
    examples: string[];
  }[];
  readonly uniquenessOverview: {
    columns: { name: string; distinct: number; uniquePercent: number }[];
    keys: {
      columns: string[];
      rowsWithKey: number;
      distinctKeys: number;
      duplicateRows: number;
      uniquePercent: number;
    }[];
  };
  readonly valueDistributions: {
    column: string;
    kind: 'top' | 'histogram';
    items: { value?: ProfileValue; lower?: number; upper?: number; count: number }[];
  }[];
  readonly boundsAnomalies: {
    column: string;
    min: number | string | null;
    max: number | string | null;
    belowMin: number;
    aboveMax: number;
    examples: string[];
  }[];
  sampleData?: { columns: string[]; rows: ProfileValue[][]; truncated: boolean };
}

const percent = (part: number, whole: number): number => (whole === 0 ? 100 : round4((100 * part) / whole));

/**
 * Builds the profile payload from the parser's measures, capped per {@link profileOptionsSchema}.
 * Throws a `QualityError` (PROFILE_OPTIONS_INVALID) for caps outside the allowed ranges.
 *
 * @example
 * const payload = buildProfilePayload(profileFacts, fileFacts, definition, { sampleRows: 50 });
 */
export function buildProfilePayload(
  profile: ProfileFacts,
  facts: FileFacts,
  definition: SchemaDefinition,
  options: ProfileOptions = {},
): ProfilePayload {
  const parsed = profileOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new QualityError(
      'PROFILE_OPTIONS_INVALID',
      `profile options are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      { domain: 'user' },
    );
  }
  const caps = parsed.data;
  const cut = (value: ProfileValue | undefined): ProfileValue => {
    if (value === undefined) return null;
    if (typeof value === 'number' && !Number.isInteger(value)) return round4(value);
    return typeof value === 'string' && value.length > caps.maxValueLength
      ? `${value.slice(0, caps.maxValueLength - 1)}…`
      : value;
  };
  const cutText = (values: readonly string[] | undefined): string[] =>
    (values ?? []).slice(0, 5).map((v) => String(cut(v)));
  const columns = profile.columns.slice(0, caps.maxColumns);
  const declared = new Map(definition.columns.map((c) => [c.name, c]));
  const factsOf = new Map(facts.columns.map((c) => [c.name, c]));

  const cells = columns.reduce((sum, c) => sum + c.nonNull + c.nulls, 0);
  const filled = columns.reduce((sum, c) => sum + c.nonNull, 0);
  const payload: ProfilePayload = {
    statisticalSummary: {
      rowCount: profile.rowCount,
      columnCount: profile.columns.length,
      truncatedColumns: profile.columns.length - columns.length,
      columns: columns.map((c) => ({
        name: c.name,
        type: c.type,
        count: c.nonNull,
        nulls: c.nulls,
        distinct: c.distinct,
        min: cut(c.min),
        max: cut(c.max),
        mean: c.mean === undefined || c.mean === null ? null : round4(c.mean),
        stddev: c.stddev === undefined || c.stddev === null ? null : round4(c.stddev),
      })),
    },
    completenessOverview: {
      rowCount: profile.rowCount,
      completenessPercent: percent(filled, cells),
      rowsMissingRequired: facts.rowsMissingRequired,
      columns: columns.map((c) => ({
        name: c.name,
        required: declared.get(c.name)?.required ?? false,
        nonNull: c.nonNull,
        nulls: c.nulls,
        completenessPercent: percent(c.nonNull, c.nonNull + c.nulls),
      })),
    },
    typeFormatIssues: facts.columns
      .filter((c) => c.typeMismatches + c.formatMismatches > 0)
      .slice(0, caps.maxColumns)
      .map((c) => ({
        column: c.name,
        declaredType: declared.get(c.name)?.type ?? null,
        physicalType: c.physicalType,
        typeMismatches: c.typeMismatches,
        formatMismatches: c.formatMismatches,
        examples: cutText([...(c.typeMismatchExamples ?? []), ...(c.formatMismatchExamples ?? [])]),
      })),
    uniquenessOverview: {
      columns: columns.map((c) => ({
        name: c.name,
        distinct: c.distinct,
        uniquePercent: percent(Math.min(c.distinct, c.nonNull), c.nonNull),
      })),
      keys: facts.keys.map((k) => ({
        columns: [...k.columns],
        rowsWithKey: k.rowsWithKey,
        distinctKeys: k.distinctKeys,
        duplicateRows: k.rowsWithKey - k.distinctKeys,
        uniquePercent: percent(k.distinctKeys, k.rowsWithKey),
      })),
    },
    valueDistributions: columns.flatMap((c): ProfilePayload['valueDistributions'] => {
      if (c.histogram !== undefined && c.histogram.length > 0) {
        return [
          {
            column: c.name,
            kind: 'histogram' as const,
            items: c.histogram
              .slice(0, caps.distributionItems)
              .map((b) => ({ lower: round4(b.lower), upper: round4(b.upper), count: b.count })),
          },
        ];
      }
      if (c.topValues !== undefined && c.topValues.length > 0) {
        return [
          {
            column: c.name,
            kind: 'top' as const,
            items: c.topValues.slice(0, caps.distributionItems).map((t) => ({ value: cut(t.value), count: t.count })),
          },
        ];
      }
      return [];
    }),
    boundsAnomalies: definition.columns.flatMap((d) => {
      const f = factsOf.get(d.name);
      if (f === undefined || (d.min === undefined && d.max === undefined) || f.belowMin + f.aboveMax === 0) return [];
      return [
        {
          column: d.name,
          min: d.min ?? null,
          max: d.max ?? null,
          belowMin: f.belowMin,
          aboveMax: f.aboveMax,
          examples: cutText(f.boundsExamples),
        },
      ];
    }),
    sampleData: {
      columns: profile.sample.columns.slice(0, caps.maxColumns).map(String),
      rows: profile.sample.rows.slice(0, caps.sampleRows).map((row) => row.slice(0, caps.maxColumns).map(cut)),
      truncated: profile.sample.rows.length > caps.sampleRows,
    },
  };
  return fitBudget(payload, caps.maxBytes);
}

/** Halves the sample until the JSON fits the budget; drops it entirely as a last resort. */
function fitBudget(payload: ProfilePayload, maxBytes: number): ProfilePayload {
  const size = (): number => Buffer.byteLength(JSON.stringify(payload));
  while (payload.sampleData !== undefined && size() > maxBytes) {
    const rows = payload.sampleData.rows;
    if (rows.length <= 1) {
      delete payload.sampleData;
      break;
    }
    payload.sampleData = { ...payload.sampleData, rows: rows.slice(0, Math.floor(rows.length / 2)), truncated: true };
  }
  return payload;
}
