import { describe, expect, it } from 'vitest';
import { resolveRunWindow } from '../time-window.js';
import { DEFAULT_KEY_PATTERN, compileKeyPattern, matchKey } from './key-pattern.js';

describe('key patterns', () => {
  const standard = compileKeyPattern(DEFAULT_KEY_PATTERN);

  it('reads agency, file, date and hour from the default layout', () => {
    expect(standard.match('agency/tenant-a/files/file-name/2026-01-04/12/data.csv')).toEqual({
      agencySlug: 'tenant-a',
      fileName: 'file-name',
      date: '2026-01-04',
      hour: 12,
    });
    expect(standard.match('agency/tenant-a/files/file-name/2026-01-04/12/nested/part-0.parquet')?.fileName).toBe(
      'file-name',
    );
  });

  it('rejects keys off the layout and impossible dates or hours', () => {
    expect(standard.match('agency/tenant-a/file-name/2026-01-04/12/data.csv')).toBeUndefined();
    expect(standard.match('agency/tenant-a/files/f/2026-02-30/12/data.csv')).toBeUndefined();
    expect(standard.match('agency/tenant-a/files/f/2026-01-04/24/data.csv')).toBeUndefined();
  });

  it('supports custom layouts with year/month/day, agency ids and literal text that looks like regex', () => {
    const hive = compileKeyPattern(
      'uploads/{agency_id}-{agency_slug}/{file_name}.d/y={year}/m={month}/d={day}/{segment}',
    );
    expect(hive.match('uploads/42-acme/trades.d/y=2026/m=01/d=04/x.csv')).toEqual({
      agencySlug: 'acme',
      fileName: 'trades',
      date: '2026-01-04',
      agencyId: 42,
    });
    expect(hive.match('uploads/42-acme/tradesXd/y=2026/m=01/d=04/x.csv')).toBeUndefined();
    const flat = compileKeyPattern('{agency_slug}/{file_name}/{*}');
    expect(matchKey([standard, flat], 'acme/trades/any/thing.csv')).toEqual({ agencySlug: 'acme', fileName: 'trades' });
  });

  it('refuses patterns without agency and file, with unknown or repeated placeholders', () => {
    expect(() => compileKeyPattern('files/{file_name}')).toThrow(/needs \{agency_slug\} and \{file_name\}/);
    expect(() => compileKeyPattern('{agency_slug}/{file_name}/{minute}')).toThrow(/unknown placeholder \{minute\}/);
    expect(() => compileKeyPattern('{agency_slug}/{file_name}/{date}/{date}')).toThrow(/appears twice/);
  });
});

describe('resolveRunWindow', () => {
  const key = { agencySlug: 'a', fileName: 'f', date: '2026-01-04', hour: 12 };
  const now = new Date('2026-02-01T00:00:00Z');

  it('prefers the object last-modified and keeps the key window as the range lower limit', () => {
    expect(resolveRunWindow(key, new Date('2026-01-04T13:05:00Z'), undefined, now)).toEqual({
      runDate: '2026-01-04',
      runHour: 13,
      fileRangeLowerLimit: new Date('2026-01-04T12:00:00Z'),
      decidedBy: 'last-modified',
    });
  });

  it('falls back to the key, then the event time, then the processing time', () => {
    expect(resolveRunWindow(key, undefined, undefined, now)).toMatchObject({
      runDate: '2026-01-04',
      runHour: 12,
      decidedBy: 'key',
    });
    expect(
      resolveRunWindow({ agencySlug: 'a', fileName: 'f' }, undefined, new Date('2026-01-05T07:59:00Z'), now),
    ).toEqual({ runDate: '2026-01-05', runHour: 7, fileRangeLowerLimit: null, decidedBy: 'event-time' });
    expect(resolveRunWindow({ agencySlug: 'a', fileName: 'f' }, undefined, undefined, now)).toMatchObject({
      runDate: '2026-02-01',
      runHour: 0,
      decidedBy: 'processing-time',
    });
    expect(
      resolveRunWindow({ agencySlug: 'a', fileName: 'f', date: '2026-01-04' }, undefined, undefined, now),
    ).toMatchObject({ runHour: 0, fileRangeLowerLimit: new Date('2026-01-04T00:00:00Z') });
  });

  it('puts the key first when configured so', () => {
    expect(resolveRunWindow(key, new Date('2026-01-04T13:05:00Z'), undefined, now, 'key')).toMatchObject({
      runHour: 12,
      decidedBy: 'key',
    });
  });
});
