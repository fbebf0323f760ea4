/**
 * @coattail/workflow — multi-stage data pipelines with quality gates, incremental state, lineage,
 * late-data windows and storage optimization. The public surface is this file.
 */
export {};
