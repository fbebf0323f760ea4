-- coattail.volume_aggregates: 60 s tumbling-window volume per symbol and exchange.
-- Generated from iceberg/src/tables/definitions.ts by `npm run ddl -w @coattail/iceberg`; edit the definition, not this file.
CREATE TABLE IF NOT EXISTS `coattail`.`volume_aggregates` (
  `window_start`       timestamp COMMENT 'inclusive start of the window (UTC)',
  `window_end`         timestamp COMMENT 'exclusive end of the window (UTC)',
  `symbol`             string COMMENT 'unified symbol',
  `exchange`           string COMMENT 'binance or coinbase',
  `trade_count`        bigint COMMENT 'trades in the window',
  `total_volume`       double COMMENT 'sum of quantity',
  `total_quote_volume` double COMMENT 'sum of price * quantity',
  `vwap`               double COMMENT 'volume-weighted average price',
  `min_price`          double COMMENT 'lowest price',
  `max_price`          double COMMENT 'highest price'
)
PARTITIONED BY (day(`window_start`), `symbol`)
LOCATION 's3://coattail-warehouse/warehouse/coattail/volume_aggregates'
TBLPROPERTIES (
  'table_type'='ICEBERG',
  'format'='parquet',
  'write_compression'='zstd',
  'write_target_data_file_size_bytes'='134217728'
);
