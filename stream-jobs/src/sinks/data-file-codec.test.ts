import type { DataFile } from '@coattail/iceberg';
import { CheckpointError, type Json } from '@coattail/runtime';
import { describe, expect, it } from 'vitest';
import { decodeCommittable, encodeDataFile } from './data-file-codec.js';

const file: DataFile = {
  content: 0,
  filePath: 's3://lake/raw_trades/data/part-0.parquet',
  fileFormat: 'PARQUET',
  partition: [19_700n, 'BTC-USDT', new Uint8Array([1, 2, 3]), null, true, 1.5],
  recordCount: 42,
  fileSizeInBytes: 4096,
  columnSizes: new Map([[1, 100]]),
  valueCounts: new Map([
    [1, 42],
    [2, 42],
  ]),
  nullValueCounts: new Map([[2, 0]]),
  nanValueCounts: undefined,
  lowerBounds: new Map([[1, new Uint8Array([0, 1])]]),
  upperBounds: new Map([[1, new Uint8Array([9, 9])]]),
  splitOffsets: [4],
  sortOrderId: undefined,
};

const stored = (files: Json[]): Json => JSON.parse(JSON.stringify({ files })) as Json;

function refusal(committable: Json): CheckpointError {
  try {
    decodeCommittable(committable, 'raw-trades@task-0', 12);
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return error as CheckpointError;
  }
  throw new Error('the committable was accepted');
}

describe('decodeCommittable', () => {
  it('gives back the data files the sink prepared, after a trip through a stored checkpoint', () => {
    expect(decodeCommittable(stored([encodeDataFile(file)]), 'raw-trades@task-0', 12)).toEqual([
      { ...file, sortOrderId: undefined },
    ]);
    expect(decodeCommittable({ files: [] }, 'raw-trades@task-0', 12)).toEqual([]);
  });

  it('refuses a file without a path, naming the sink, the checkpoint and the field, and does not ask for a retry', () => {
    const { filePath: _, ...rest } = encodeDataFile(file) as Record<string, Json>;
    const error = refusal(stored([rest]));
    expect(error.message).toContain("Iceberg sink 'raw-trades@task-0'");
    expect(error.message).toContain('checkpoint 12');
    expect(error.message).toContain('files.0.filePath');
    expect(error.retryable).toBe(false);
  });

  it('refuses statistics and partition values it cannot decode instead of committing a guess', () => {
    const encoded = encodeDataFile(file) as Record<string, Json>;
    expect(refusal(stored([{ ...encoded, lowerBounds: [[1, 'not base64!']] }])).message).toContain(
      'files.0.lowerBounds.0.1',
    );
    expect(refusal(stored([{ ...encoded, partition: [{ bigint: '12x' }] }])).message).toContain('files.0.partition.0');
    expect(refusal(stored([{ ...encoded, recordCount: '42' }])).message).toContain('files.0.recordCount');
    expect(refusal({ file: [] }).message).toContain('files');
  });
});
