-- coattail.raw_trades: every unified trade that passed the data-quality gate.
-- Generated from iceberg/src/tables/definitions.ts by `npm run ddl -w @coattail/iceberg`; edit the definition, not this file.
CREATE TABLE IF NOT EXISTS `coattail`.`raw_trades` (
  `event_id`     string COMMENT 'deterministic id of the trade event: exchange, symbol and exchange trade id',
  `exchange`     string COMMENT 'binance or coinbase',
  `symbol`       string COMMENT 'unified symbol, e.g. BTC-USDT',
  `trade_id`     string COMMENT 'trade id assigned by the exchange',
  `price`        double COMMENT 'trade price in quote currency',
  `quantity`     double COMMENT 'trade size in base currency',
  `quote_volume` double COMMENT 'price * quantity',
  `side`         string COMMENT 'taker side: buy or sell',
  `event_time`   timestamp COMMENT 'trade time reported by the exchange (UTC)',
  `ingest_time`  timestamp COMMENT 'when the producer received the trade (UTC)'
)
PARTITIONED BY (day(`event_time`), `symbol`)
LOCATION 's3://coattail-warehouse/warehouse/coattail/raw_trades'
TBLPROPERTIES (
  'table_type'='ICEBERG',
  'format'='parquet',
  'write_compression'='zstd',
  'write_target_data_file_size_bytes'='134217728'
);
