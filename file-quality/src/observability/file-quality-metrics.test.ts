import { InMemoryMetrics } from '@coattail/runtime';
import { describe, expect, it } from 'vitest';
import { FileQualityMetrics, emfLine, scoreBucket } from './file-quality-metrics.js';

describe('file-quality metrics', () => {
  it('buckets scores for the distribution', () => {
    expect([100, 90, 89, 80, 79, 65, 60, 59, 0].map(scoreBucket)).toEqual([
      '90-100',
      '90-100',
      '80-89',
      '80-89',
      '70-79',
      '60-69',
      '60-69',
      '0-59',
      '0-59',
    ]);
  });

  it('counts files by outcome, failed parses, the score distribution and latency', () => {
    const metrics = new InMemoryMetrics();
    const lines: string[] = [];
    const m = new FileQualityMetrics(metrics, (l) => lines.push(l));
    m.record({ outcome: 'scored', score: 94, latencyMs: 12, bucket: 'b', key: 'k', agencySlug: 'a' });
    m.record({ outcome: 'parse_failed', score: 65, latencyMs: 8, bucket: 'b', key: 'k2' });
    m.record({ outcome: 'scored', score: 91, latencyMs: 10, bucket: 'b', key: 'k3' });
    expect(metrics.total('dq_files_processed')).toBe(3);
    expect(metrics.total('dq_files_processed', { outcome: 'scored' })).toBe(2);
    expect(metrics.total('dq_parse_failures')).toBe(1);
    expect(metrics.total('dq_score_distribution', { bucket: '90-100' })).toBe(2);
    expect(metrics.total('dq_processing_ms_total')).toBe(30);
    expect(metrics.gaugeValue('dq_last_score')).toBe(91);
    expect(lines).toHaveLength(3);
  });

  it('writes CloudWatch embedded metric format records', () => {
    const record = JSON.parse(
      emfLine({ outcome: 'failed', latencyMs: 3.4, bucket: 'b', key: 'k' }, 1_700_000_000_000),
    ) as Record<string, unknown>;
    expect(record).toEqual({
      _aws: {
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: 'Coattail/FileQuality',
            Dimensions: [['Outcome'], ['Agency', 'Outcome']],
            Metrics: [
              { Name: 'FilesProcessed', Unit: 'Count' },
              { Name: 'ParseFailures', Unit: 'Count' },
              { Name: 'ProcessingLatency', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      Outcome: 'failed',
      Agency: 'unknown',
      FilesProcessed: 1,
      ParseFailures: 0,
      ProcessingLatency: 3,
      bucket: 'b',
      key: 'k',
    });
  });
});
