-- coattail.spreads: 30 s cross-exchange VWAP spreads per symbol.
-- Generated from iceberg/src/tables/definitions.ts by `npm run ddl -w @coattail/iceberg`; edit the definition, not this file.
CREATE TABLE IF NOT EXISTS `coattail`.`spreads` (
  `window_start`  timestamp COMMENT 'inclusive start of the window (UTC)',
  `window_end`    timestamp COMMENT 'exclusive end of the window (UTC)',
  `symbol`        string COMMENT 'unified symbol',
  `exchange_high` string COMMENT 'exchange with the higher VWAP',
  `exchange_low`  string COMMENT 'exchange with the lower VWAP',
  `vwap_high`     double COMMENT 'the higher VWAP',
  `vwap_low`      double COMMENT 'the lower VWAP',
  `spread_pct`    double COMMENT '(vwap_high - vwap_low) / vwap_low * 100',
  `threshold_pct` double COMMENT 'spread threshold in force',
  `flagged`       boolean COMMENT 'spread_pct above threshold_pct'
)
PARTITIONED BY (day(`window_start`), `symbol`)
LOCATION 's3://coattail-warehouse/warehouse/coattail/spreads'
TBLPROPERTIES (
  'table_type'='ICEBERG',
  'format'='parquet',
  'write_compression'='zstd',
  'write_target_data_file_size_bytes'='134217728'
);
