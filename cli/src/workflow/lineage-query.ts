import { access } from 'node:fs/promises';
import { defaultLineageFile } from './lineage.js';

/** Options of `coattail workflow lineage`. */
export interface LineageQueryOptions {
  upstream?: boolean;
  downstream?: boolean;
  snapshot?: string;
  stateDir: string;
  file?: string;
  json?: boolean;
}

interface Named {
  namespace: string;
  name: string;
}

const show = (d: Named): string =>
  d.namespace === 'iceberg'
    ? `iceberg://${d.name}`
    : d.namespace === 'file'
      ? `file://${d.name}`
      : `${d.namespace} ${d.name}`;

/**
 * Answers lineage questions from the JSONL lineage store runs write: upstream and/or downstream of
 * a dataset, or the runs that wrote a snapshot id. Refuses a store it cannot read instead of
 * answering from half of it.
 */
export async function lineageQuery(dataset: string | undefined, o: LineageQueryOptions): Promise<void> {
  if (dataset === undefined && o.snapshot === undefined)
    throw new Error('name a dataset (e.g. iceberg://coattail.anomalies_reprocessed) or --snapshot <id>');
  if (o.snapshot !== undefined && !/^\d+$/.test(o.snapshot))
    throw new Error(`--snapshot expects an Iceberg snapshot id (digits), got '${o.snapshot}'`);
  const file = o.file ?? defaultLineageFile(o.stateDir);
  await access(file).catch(() => {
    throw new Error(
      `no lineage store at ${file}: run a pipeline first (coattail workflow run …) or pass --file / --state-dir`,
    );
  });
  const { LineageIndex, lineageDatasetUri } = await import('@coattail/workflow');
  const index = await LineageIndex.fromJsonl(file);
  const uri = dataset === undefined ? undefined : lineageDatasetUri(dataset, process.cwd());

  if (o.snapshot !== undefined) {
    const found =
      uri === undefined
        ? index.snapshotRuns(o.snapshot)
        : [{ dataset: { namespace: '', name: uri }, runs: index.runsProducingSnapshot(uri, o.snapshot) }];
    if (o.json) return console.log(JSON.stringify(found, null, 2));
    const runs = found.flatMap((f) => f.runs.map((r) => ({ ...r, dataset: f.dataset })));
    if (runs.length === 0) console.log(`no completed run in ${file} wrote snapshot ${o.snapshot}`);
    for (const r of runs)
      console.log(`${r.eventTime}  ${r.job.name}  run ${r.runId}  → ${r.dataset.namespace ? show(r.dataset) : uri}`);
    return;
  }

  const both = !o.upstream && !o.downstream;
  const answer = {
    ...(o.upstream || both ? { upstream: index.upstream(uri!) } : {}),
    ...(o.downstream || both ? { downstream: index.downstream(uri!) } : {}),
  };
  if (o.json) return console.log(JSON.stringify(answer, null, 2));
  for (const [direction, graph] of Object.entries(answer)) {
    console.log(`${direction} of ${dataset}:`);
    if (graph.datasets.length === 0 && graph.jobs.length === 0) console.log('  (nothing recorded)');
    for (const d of graph.datasets) console.log(`  dataset ${show(d)}`);
    for (const j of graph.jobs) console.log(`  stage   ${j.name}`);
  }
}
