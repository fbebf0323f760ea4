/**
 * The golden dataset's plan: every row id falls in one slot `(id * 7919) % period`, and each
 * induced error kind owns one slot. Kinds never overlap, so the expected findings follow from
 * counting ids per slot — computed here in plain arithmetic, independently of the engine.
 */
export const INDUCED_KINDS = [
  'missing_in_target',
  'extra_in_target',
  'duplicate_in_target',
  'duplicate_in_source',
  'price_changed',
  'symbol_changed',
  'quantity_nulled',
  'trade_time_shifted',
  'quote_volume_and_side_changed',
  'venue_code_changed',
  'price_noise_within_tolerance',
  'exchange_whitespace_and_case',
  'trade_time_below_precision',
  // Replays in the target: an exact copy of a row whose price is wrong, and a row whose price is
  // wrong replayed with yet another wrong price (a conflicting replay).
  'replayed_with_error',
  'conflicting_replay',
] as const;

/** One kind of induced difference. */
export type InducedKind = (typeof INDUCED_KINDS)[number];

/** The slot multiplier: prime and coprime with every decimal period, so slots scatter over ids. */
export const SLOT_MULTIPLIER = 7919;

/** The slot index of a kind (its position in {@link INDUCED_KINDS}). */
export function slotOf(kind: InducedKind): number {
  return INDUCED_KINDS.indexOf(kind);
}

/** Period for an error rate: each kind hits one id in `period`. */
export function periodOf(rate: number): number {
  const period = Math.round(1 / rate);
  if (!Number.isFinite(period) || period < INDUCED_KINDS.length) {
    throw new Error(
      `rate ${rate} is too high: at most 1/${INDUCED_KINDS.length} so that the ${INDUCED_KINDS.length} kinds stay disjoint`,
    );
  }
  return period;
}

/** Kinds whose row the target holds twice (an extra row, or a replay of the key). */
const TWICE_IN_TARGET: ReadonlySet<InducedKind> = new Set([
  'extra_in_target',
  'duplicate_in_target',
  'replayed_with_error',
  'conflicting_replay',
]);

/** What the engine must find on the golden dataset, exactly. */
export interface ExpectedFindings {
  rows: number;
  rate: number;
  induced: Record<InducedKind, number>;
  rowCount: { source: number; target: number };
  keys: {
    sourceOnly: number;
    targetOnly: number;
    duplicateKeysSource: number;
    duplicateRowsSource: number;
    duplicateKeysTarget: number;
    duplicateRowsTarget: number;
    exactDuplicateKeysTarget: number;
    conflictingDuplicateKeysTarget: number;
    pairedKeys: number;
  };
  /** Under the default `duplicates: first`; `mismatchedRowsByPolicy` gives every policy. */
  hash: {
    mismatchedRows: number;
    mismatchedRowsByPolicy: Record<'first' | 'exclude' | 'all', number>;
    toleratedRows: number;
    byColumn: Record<string, number>;
  };
  nulls: Record<string, { source: number; target: number }>;
  schema: { missingInTarget: string[]; extraInTarget: string[]; typeWarnings: string[]; typeFailures: string[] };
  matchRate: number;
}

/** Counts every induced kind for `rows` ids and derives the exact expected findings. */
export function expectedFindings(rows: number, rate: number, schemaDrift: boolean): ExpectedFindings {
  const period = periodOf(rate);
  const induced = Object.fromEntries(INDUCED_KINDS.map((k) => [k, 0])) as Record<InducedKind, number>;
  let noteNullSource = 0;
  let noteNullTarget = 0;
  for (let id = 0; id < rows; id++) {
    const kind = INDUCED_KINDS[(id * SLOT_MULTIPLIER) % period];
    if (kind !== undefined) induced[kind]++;
    if (id % 7 !== 0) continue;
    // `note` is NULL for every seventh id, on every copy of that row.
    noteNullSource += kind === 'duplicate_in_source' ? 2 : 1;
    noteNullTarget += kind === 'missing_in_target' ? 0 : kind !== undefined && TWICE_IN_TARGET.has(kind) ? 2 : 1;
  }
  const c = induced;
  const oneToOneMismatches =
    c.price_changed +
    c.symbol_changed +
    c.quantity_nulled +
    c.trade_time_shifted +
    c.quote_volume_and_side_changed +
    c.venue_code_changed;
  const replays = c.replayed_with_error + c.conflicting_replay;
  // Every replayed row has a wrong price: `first` compares one row per key, `all` both.
  const mismatchedRows = oneToOneMismatches + replays;
  const pairedKeys = rows - c.missing_in_target - c.duplicate_in_target - c.duplicate_in_source - replays;
  const unionKeys = rows + c.extra_in_target;
  return {
    rows,
    rate,
    induced,
    rowCount: {
      source: rows + c.duplicate_in_source,
      target: rows - c.missing_in_target + c.extra_in_target + c.duplicate_in_target + replays,
    },
    keys: {
      sourceOnly: c.missing_in_target,
      targetOnly: c.extra_in_target,
      duplicateKeysSource: c.duplicate_in_source,
      duplicateRowsSource: c.duplicate_in_source,
      duplicateKeysTarget: c.duplicate_in_target + replays,
      duplicateRowsTarget: c.duplicate_in_target + replays,
      exactDuplicateKeysTarget: c.duplicate_in_target + c.replayed_with_error,
      conflictingDuplicateKeysTarget: c.conflicting_replay,
      pairedKeys,
    },
    hash: {
      mismatchedRows,
      mismatchedRowsByPolicy: {
        first: mismatchedRows,
        exclude: oneToOneMismatches,
        all: oneToOneMismatches + 2 * replays,
      },
      // Case, blanks and sub-precision time are normalized before hashing, so only float noise
      // reaches attribution (and is tolerated there).
      toleratedRows: c.price_noise_within_tolerance,
      byColumn: {
        symbol: c.symbol_changed,
        exchange: 0,
        price: c.price_changed + replays,
        quantity: c.quantity_nulled,
        quote_volume: c.quote_volume_and_side_changed,
        trade_time: c.trade_time_shifted,
        is_buyer_maker: c.quote_volume_and_side_changed,
        trade_count: 0,
        venue_code: c.venue_code_changed,
        note: 0,
        ...(schemaDrift ? {} : { legacy_flag: 0 }),
      },
    },
    nulls: {
      quantity: { source: 0, target: c.quantity_nulled },
      note: { source: noteNullSource, target: noteNullTarget },
    },
    schema: schemaDrift
      ? {
          missingInTarget: ['legacy_flag'],
          extraInTarget: ['ingested_at'],
          typeWarnings: ['trade_count'],
          typeFailures: ['venue_code'],
        }
      : { missingInTarget: [], extraInTarget: [], typeWarnings: [], typeFailures: [] },
    // Under the default `duplicates: first` every duplicated key is compared once.
    matchRate:
      (100 * (pairedKeys + c.duplicate_in_source + c.duplicate_in_target + replays - mismatchedRows)) / unionKeys,
  };
}
