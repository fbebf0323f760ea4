-- coattail.anomalies_reprocessed: anomalies recomputed from raw_trades at a snapshot with the current logic.
-- Generated from iceberg/src/tables/definitions.ts by `npm run ddl -w @coattail/iceberg`; edit the definition, not this file.
CREATE TABLE IF NOT EXISTS `coattail`.`anomalies_reprocessed` (
  `alert_id`           string COMMENT 'deterministic id: job, symbol and window start',
  `window_start`       timestamp COMMENT 'inclusive start of the window (UTC)',
  `window_end`         timestamp COMMENT 'exclusive end of the window (UTC)',
  `symbol`             string COMMENT 'unified symbol',
  `exchange`           string COMMENT 'exchange of the window, or null for all exchanges',
  `total_volume`       double COMMENT 'volume of the window',
  `mean_volume`        double COMMENT 'rolling 1 h mean of window volumes',
  `stddev_volume`      double COMMENT 'rolling 1 h standard deviation of window volumes',
  `z_score`            double COMMENT '(total_volume - mean_volume) / stddev_volume',
  `threshold`          double COMMENT 'z-score threshold that flagged the window',
  `detected_at`        timestamp COMMENT 'when the alert was produced (UTC)',
  `source_snapshot_id` bigint COMMENT 'raw_trades snapshot the run read',
  `run_id`             string COMMENT 'reprocessing run'
)
PARTITIONED BY (day(`window_start`), `symbol`)
LOCATION 's3://coattail-warehouse/warehouse/coattail/anomalies_reprocessed'
TBLPROPERTIES (
  'table_type'='ICEBERG',
  'format'='parquet',
  'write_compression'='zstd',
  'write_target_data_file_size_bytes'='134217728'
);
