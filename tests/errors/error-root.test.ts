import { BatchJobError } from '@coattail/batch';
import { FileQualityError } from '@coattail/file-quality';
import { ConnectorError } from '@coattail/connectors';
import { IcebergError } from '@coattail/iceberg';
import { ProducerError } from '@coattail/producer';
import { QualityError } from '@coattail/quality';
import { ReconError } from '@coattail/recon';
import { isRetryable, PlatformError } from '@coattail/runtime';
import { WorkflowError } from '@coattail/workflow';
import { describe, expect, it } from 'vitest';

/** Every package's base error, built with the widest constructor the package allows. */
const roots = {
  FileQualityError: () => new FileQualityError('CONFIG_INVALID', 'm', { retryable: true }),
  BatchJobError: () => new BatchJobError('RATE_LIMITED', 'm', { retryable: true }),
  ConnectorError: () => new ConnectorError('X', 'm', { retryable: true }),
  IcebergError: () => new IcebergError('X', 'm', { retryable: true }),
  ProducerError: () => new ProducerError('X', 'm', { retryable: true }),
  QualityError: () => new QualityError('PROFILE_OPTIONS_INVALID', 'm', { retryable: true }),
  ReconError: () => new ReconError('ENGINE_FAILED', 'm', { retryable: true }),
  WorkflowError: () => new WorkflowError('X', 'm', { retryable: true }),
};

describe('one error root for the whole platform', () => {
  it.each(Object.entries(roots))('%s extends PlatformError, so the one retry policy reads its flag', (name, make) => {
    const error = make();
    expect(error).toBeInstanceOf(PlatformError);
    expect(error.name).toBe(name);
    expect(isRetryable(error)).toBe(true);
    expect(['user', 'external', 'internal']).toContain(error.domain);
  });
});
