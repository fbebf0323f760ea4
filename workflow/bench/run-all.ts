// Runs the workflow benchmarks one after another (each prints its figure beside its baseline).
await import('./gate-bench.js');
await import('./storage-bench.js');
await import('./lineage-bench.js');
await import('./incremental.bench.js');
await import('./late-data.bench.js');
