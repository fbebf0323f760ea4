import { describe, expect, it } from 'vitest';
import { planWindows } from './late-data.js';

const H = 3_600_000;
const t = (iso: string) => Date.parse(iso);

describe('late data in event-time partitions', () => {
  it('processes new partitions and moves the watermark', () => {
    const plan = planWindows(
      [{ key: '2026-12-07T04', rows: 10, maxEventTime: t('2026-12-07T04:59:00Z') }],
      undefined,
      'hour',
      2 * H,
    );
    expect(plan).toMatchObject({
      fresh: ['2026-12-07T04'],
      rerun: [],
      tooLate: [],
      next: { watermark: t('2026-12-07T04:59:00Z'), processed: ['2026-12-07T04'] },
    });
  });

  it('re-runs exactly the processed partitions that late data within the allowed lateness touches', () => {
    const before = {
      watermark: t('2026-12-07T06:30:00Z'),
      processed: ['2026-12-07T04', '2026-12-07T05', '2026-12-07T06'],
    };
    const plan = planWindows(
      [
        { key: '2026-12-07T05', rows: 3, maxEventTime: t('2026-12-07T05:10:00Z') },
        { key: '2026-12-07T06', rows: 5, maxEventTime: t('2026-12-07T06:40:00Z') },
      ],
      before,
      'hour',
      2 * H,
    );
    expect(plan).toMatchObject({ fresh: [], rerun: ['2026-12-07T05', '2026-12-07T06'], tooLate: [], tooLateRows: 0 });
    expect(plan.next.watermark).toBe(t('2026-12-07T06:40:00Z'));
  });

  it('sends data beyond the allowed lateness to quarantine as too late, counted, without re-running', () => {
    const before = { watermark: t('2026-12-07T08:00:00Z'), processed: ['2026-12-07T04', '2026-12-07T05'] };
    const plan = planWindows(
      [{ key: '2026-12-07T04', rows: 7, maxEventTime: t('2026-12-07T04:10:00Z') }],
      before,
      'hour',
      2 * H,
    );
    expect(plan).toMatchObject({ rerun: [], tooLate: ['2026-12-07T04'], tooLateRows: 7, next: before });
  });

  it('works on daily partitions with a lateness of a day', () => {
    const before = { watermark: t('2026-12-08T12:00:00Z'), processed: ['2026-12-07', '2026-12-08'] };
    const plan = planWindows(
      [
        { key: '2026-12-07', rows: 1, maxEventTime: t('2026-12-07T23:00:00Z') },
        { key: '2026-12-06', rows: 2, maxEventTime: t('2026-12-06T23:00:00Z') },
      ],
      before,
      'day',
      24 * H,
    );
    expect(plan).toMatchObject({ rerun: ['2026-12-07'], tooLate: ['2026-12-06'], tooLateRows: 2 });
  });
});
