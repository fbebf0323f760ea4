import { describe, expect, it } from 'vitest';
import { detectObjectChanges, type ObjectInfo } from './objects.js';
import type { ObjectState } from './state.js';

const IN = 's3://landing/trades/';
const obj = (key: string, etag: string, size = 10): ObjectInfo => ({ key, size, etag });
const consumed = (listing: ObjectInfo[], marker?: string): ObjectState => {
  const next = detectObjectChanges(IN, listing, undefined, marker).next;
  if (next?.mode !== 'objects') throw new Error('expected object state');
  return next;
};

describe('object-listing change detection', () => {
  const day1 = [obj('dt=1/a.csv', 'e1'), obj('dt=1/b.csv', 'e2')];

  it('reads everything on the first run', () => {
    const c = detectObjectChanges(IN, day1, undefined);
    expect(c).toMatchObject({
      hasWork: true,
      full: true,
      added: ['dt=1/a.csv', 'dt=1/b.csv'],
      changed: [],
      deleted: [],
      skipped: 0,
    });
    expect(c.describe).toBe(`${IN}: 2 new objects, 0 changed, 0 deleted, 0 unchanged skipped`);
  });

  it('processes only appended objects', () => {
    const c = detectObjectChanges(IN, [...day1, obj('dt=2/c.csv', 'e3')], consumed(day1));
    expect(c).toMatchObject({ hasWork: true, full: false, added: ['dt=2/c.csv'], changed: [], skipped: 2 });
    expect(c.describe).toContain('1 new object,');
  });

  it('sees an in-place rewrite of one object by its ETag, and by its size', () => {
    expect(detectObjectChanges(IN, [obj('dt=1/a.csv', 'e9'), obj('dt=1/b.csv', 'e2')], consumed(day1)).changed).toEqual(
      ['dt=1/a.csv'],
    );
    expect(
      detectObjectChanges(IN, [obj('dt=1/a.csv', 'e1', 11), obj('dt=1/b.csv', 'e2')], consumed(day1)).changed,
    ).toEqual(['dt=1/a.csv']);
  });

  it('reports deletions so the stage can retract what the object contributed', () => {
    const c = detectObjectChanges(IN, [obj('dt=1/b.csv', 'e2')], consumed(day1));
    expect(c).toMatchObject({ hasWork: true, deleted: ['dt=1/a.csv'], skipped: 1 });
    expect(c.next).toEqual({ mode: 'objects', objects: { 'dt=1/b.csv': [10, 'e2'] } });
  });

  it('remembers the modification time of local files beside their hash', () => {
    const c = detectObjectChanges(IN, [{ key: 'a.csv', size: 3, etag: 'md5', mtimeMs: 1000 }], undefined);
    expect(c.next).toEqual({ mode: 'objects', objects: { 'a.csv': [3, 'md5', 1000] } });
  });

  it('does no work for an object re-uploaded with identical bytes', () => {
    const c = detectObjectChanges(IN, [obj('dt=1/a.csv', 'e1'), obj('dt=1/b.csv', 'e2')], consumed(day1));
    expect(c).toMatchObject({ hasWork: false, added: [], changed: [], deleted: [], skipped: 2 });
  });

  it('holds back a partial upstream delivery until its completion marker lands', () => {
    const before = consumed(day1);
    const partial = [...day1, obj('dt=2/c.csv', 'e3')];
    const waiting = detectObjectChanges(IN, partial, before, '_SUCCESS');
    expect(waiting).toMatchObject({ hasWork: false, added: [], waiting: ['dt=1/', 'dt=2/'] });
    expect(waiting.describe).toContain('2 partitions waiting for _SUCCESS');
    const complete = [...partial, obj('dt=2/d.csv', 'e4'), obj('dt=2/_SUCCESS', 'm'), obj('dt=1/_SUCCESS', 'm')];
    const later = detectObjectChanges(IN, complete, waiting.next as ObjectState, '_SUCCESS');
    expect(later).toMatchObject({ hasWork: true, added: ['dt=2/c.csv', 'dt=2/d.csv'], waiting: [] });
  });

  it('keeps what it knew of a folder whose marker was taken away for a re-delivery', () => {
    const withMarker = [obj('_SUCCESS', 'm'), obj('a.csv', 'e1')];
    const first = consumed(withMarker, '_SUCCESS');
    expect(first.objects).toEqual({ 'a.csv': [10, 'e1'] });
    const c = detectObjectChanges(IN, [obj('a.csv', 'e2'), obj('b.csv', 'e3')], first, '_SUCCESS');
    expect(c).toMatchObject({
      hasWork: false,
      waiting: [''],
      next: { mode: 'objects', objects: { 'a.csv': [10, 'e1'] } },
    });
    expect(c.describe).toContain('1 partition waiting');
  });
});
