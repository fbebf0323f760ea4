import { describe, expect, it } from 'vitest';
import { datasetId, datasetKey } from './dataset-name.js';

describe('dataset naming', () => {
  it('names datasets the way OpenLineage conventions do', () => {
    expect(datasetId('iceberg://coattail.raw_trades')).toEqual({ namespace: 'iceberg', name: 'coattail.raw_trades' });
    expect(datasetId('s3://lake/raw/trades/')).toEqual({ namespace: 's3://lake', name: 'raw/trades/' });
    expect(datasetId('s3://lake')).toEqual({ namespace: 's3://lake', name: '/' });
    expect(datasetId('file:///data/x.parquet')).toEqual({ namespace: 'file', name: '/data/x.parquet' });
    expect(datasetId('postgres://db:5432/test/reporting.scores')).toEqual({
      namespace: 'postgres://db:5432',
      name: 'test.reporting.scores',
    });
    expect(datasetId('postgresql://db/test/reporting.x').name).toBe('test.reporting.x');
    expect(datasetKey(datasetId('https://api.binance.com/api/v3/klines'))).toBe(
      'https://api.binance.com/api/v3/klines',
    );
  });

  it('refuses a dataset that is not a URI and says how to write one', () => {
    expect(() => datasetId('raw_trades')).toThrow(
      /dataset 'raw_trades' is not a URI: write it as iceberg:\/\/ns.table/,
    );
  });
});
