import { describe, expect, it } from 'vitest';
import type { ConsoleAlert } from '../model/snapshot.js';
import { AlertBook } from './alert-book.js';
import { QualityTally } from './quality-tally.js';

const whale = (id: string, t: number): ConsoleAlert => ({
  alert_id: id,
  alert_type: 'WHALE',
  symbol: 'BTC-USDT',
  alert_time: t,
  quote_volume: 250_000,
});

describe('AlertBook', () => {
  it('shows an alert read again by the next poll once, and counts it once', () => {
    const book = new AlertBook();
    expect(book.add([whale('a', 1), whale('b', 2)])).toBe(2);
    expect(book.add([whale('b', 2), whale('c', 3)])).toBe(1);
    expect(book.latest().map((a) => a.alert_id)).toEqual(['c', 'b', 'a']);
    expect(book.counts()).toEqual({ WHALE: 3, VOLUME_ANOMALY: 0, SPREAD: 0 });
  });

  it('keeps the newest alerts up to its limit and still counts the older ones', () => {
    const book = new AlertBook(2);
    book.add([whale('a', 1), whale('b', 2), whale('c', 3)]);
    book.add([whale('a', 1)]);
    expect(book.latest().map((a) => a.alert_id)).toEqual(['c', 'b']);
    expect(book.counts().WHALE).toBe(3);
  });

  it('forgets ids far older than the newest alert, so a long run does not grow without bound', () => {
    const book = new AlertBook(1, 1_000);
    for (let i = 0; i < 50; i++) book.add([whale(`old-${i}`, i)]);
    book.add([whale('new', 100_000)]);
    expect(book.counts().WHALE).toBe(51);
    // An id forgotten and read again counts again: hence rememberMs must exceed the hub's look-back.
    book.add([whale('old-0', 0)]);
    expect(book.counts().WHALE).toBe(52);
    // A recent id is still known.
    book.add([whale('new', 100_000)]);
    expect(book.counts().WHALE).toBe(52);
  });
});

describe('QualityTally', () => {
  it("sums each job's intervals and recomputes QualityScore over all of them", async () => {
    const tally = new QualityTally();
    await tally.publish('whale-detector', {
      RecordsProcessed: 100,
      RecordsPassed: 90,
      RecordsFailed: 10,
      RecordsLate: 2,
    });
    await tally.publish('whale-detector', {
      RecordsProcessed: 100,
      RecordsPassed: 100,
      RecordsFailed: 0,
      RecordsLate: 1,
    });
    expect(tally.view()).toEqual({
      'whale-detector': { RecordsProcessed: 200, RecordsFailed: 10, RecordsLate: 3, QualityScore: 95 },
    });
  });
});
