import { describe, expect, it } from 'vitest';
import { EventFormatError } from '../errors.js';
import { parseS3Events } from './s3-events.js';

const record = (key: string, eventName = 'ObjectCreated:Put') => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  eventName,
  eventTime: '2026-01-04T12:35:00.000Z',
  s3: {
    s3SchemaVersion: '1.0',
    bucket: { name: 'landing', arn: 'arn:aws:s3:::landing' },
    object: { key, size: 12345, eTag: 'abc' },
  },
});

describe('parseS3Events', () => {
  it('reads the simplified {bucket, key} shape', () => {
    expect(
      parseS3Events({
        bucket: 'my-bucket',
        key: 'agency/tenant-a/files/file-name/2026-01-04/12/data.csv',
        last_modified: '2026-01-04T12:34:56Z',
        size: 12345,
      }),
    ).toEqual([
      {
        bucket: 'my-bucket',
        key: 'agency/tenant-a/files/file-name/2026-01-04/12/data.csv',
        lastModified: new Date('2026-01-04T12:34:56Z'),
        size: 12345,
      },
    ]);
  });

  it('reads real S3 notification records, URL-decoding keys and skipping non-create events', () => {
    const events = parseS3Events({
      Records: [record('agency/a/files/f/2026-01-04/12/my+file%281%29.csv'), record('x.csv', 'ObjectRemoved:Delete')],
    });
    expect(events).toEqual([
      {
        bucket: 'landing',
        key: 'agency/a/files/f/2026-01-04/12/my file(1).csv',
        size: 12345,
        eventTime: new Date('2026-01-04T12:35:00Z'),
      },
    ]);
  });

  it('unwraps SNS envelopes, reads EventBridge events, ignores the S3 test event', () => {
    const sns = { Type: 'Notification', Message: JSON.stringify({ Records: [record('a.csv')] }) };
    expect(parseS3Events(sns).map((e) => e.key)).toEqual(['a.csv']);
    const bridge = {
      'detail-type': 'Object Created',
      time: '2026-01-04T12:00:00Z',
      detail: { bucket: { name: 'b' }, object: { key: 'k.parquet', size: 3 } },
    };
    expect(parseS3Events(bridge)).toEqual([
      { bucket: 'b', key: 'k.parquet', size: 3, eventTime: new Date('2026-01-04T12:00:00Z') },
    ]);
    expect(parseS3Events({ ...bridge, 'detail-type': 'Object Deleted' })).toEqual([]);
    expect(parseS3Events({ Service: 'Amazon S3', Event: 's3:TestEvent' })).toEqual([]);
  });

  it('reads JSON text, arrays and JSON Lines', () => {
    expect(
      parseS3Events(
        JSON.stringify([
          { bucket: 'b', key: 'x' },
          { bucket: 'b', key: 'y' },
        ]),
      ).map((e) => e.key),
    ).toEqual(['x', 'y']);
    expect(
      parseS3Events('{"bucket":"b","key":"x"}\n\n{"bucket":"b","key":"y","lastModified":1767529200000}\n').map(
        (e) => e.key,
      ),
    ).toEqual(['x', 'y']);
    expect(parseS3Events('  ')).toEqual([]);
  });

  it('names the path of what is wrong', () => {
    expect(() => parseS3Events({ bucket: 'b' })).toThrow(EventFormatError);
    expect(() => parseS3Events([{ bucket: 'b', key: 'k' }, 3])).toThrow(/\$\[1\]: expected an S3 event object/);
    expect(() => parseS3Events({ Records: [{ s3: {} }] })).toThrow(/\$\.Records\[0\]: not an S3 event record/);
    expect(() => parseS3Events({ bucket: 'b', key: 'k', last_modified: 'yesterday' })).toThrow(/not a date/);
    expect(() => parseS3Events('{nope')).toThrow(/not JSON/);
    expect(() => parseS3Events('{"bucket":"b","key":"x"}\n{nope')).toThrow(/line 2: not JSON/);
    expect(() => parseS3Events({ 'detail-type': 'Object Created', detail: {} })).toThrow(/EventBridge/);
    expect(() => parseS3Events({ Type: 'Notification', Message: '{bad' })).toThrow(/Message: not JSON/);
  });
});
