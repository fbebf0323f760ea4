import { describe, expect, it } from 'vitest';
import { detectHashChanges } from './content-hash.js';
import { detectWatermarkChanges } from './watermark.js';

const IN = 'postgres://db:5432/app/public.trades';

describe('high-water-mark change detection', () => {
  it('has nothing to read when the source has no rows', () => {
    expect(detectWatermarkChanges(IN, 'id', undefined, undefined)).toMatchObject({ hasWork: false, next: undefined });
  });

  it('reads everything up to the current maximum on the first run', () => {
    expect(detectWatermarkChanges(IN, 'id', 100, undefined)).toMatchObject({
      hasWork: true,
      full: true,
      range: { to: 100 },
      next: { value: 100 },
    });
  });

  it('reads only the rows above the last maximum', () => {
    const c = detectWatermarkChanges(IN, 'updated_at', '2026-12-07T05', {
      mode: 'high-water-mark',
      value: '2026-12-07T04',
    });
    expect(c).toMatchObject({ hasWork: true, full: false, range: { from: '2026-12-07T04', to: '2026-12-07T05' } });
  });

  it('skips when no row is above the last maximum', () => {
    const c = detectWatermarkChanges(IN, 'id', 100, { mode: 'high-water-mark', value: 100 });
    expect(c).toMatchObject({ hasWork: false, next: { value: 100 } });
    expect(c.describe).toContain('no rows above id = 100');
  });

  it('refuses a column whose type changed between runs instead of comparing text with numbers', () => {
    expect(() => detectWatermarkChanges(IN, 'id', '101', { mode: 'high-water-mark', value: 100 })).toThrow(
      /column 'id' was number .* now string/,
    );
  });
});

describe('content-hash change detection', () => {
  it('reads the input when its hash changed and skips it when not', () => {
    expect(detectHashChanges('file://x.csv', 'abc', undefined)).toMatchObject({
      hasWork: true,
      full: true,
      changed: ['file://x.csv'],
    });
    expect(detectHashChanges('file://x.csv', 'abc', { mode: 'content-hash', hash: 'abc' })).toMatchObject({
      hasWork: false,
      skipped: 1,
    });
    expect(detectHashChanges('file://x.csv', 'abd', { mode: 'content-hash', hash: 'abc' }).describe).toContain(
      'content changed',
    );
  });
});
