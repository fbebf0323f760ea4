import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { datasetId, datasetKey, type DatasetId } from './dataset-name.js';
import { LineageError } from './errors.js';
import { runEventSchema, type RunEvent } from './openlineage-schema.js';

/** A job and how to find it. */
export interface JobRef {
  readonly namespace: string;
  readonly name: string;
}

/** A run that wrote a dataset version. */
export interface RunRef {
  readonly runId: string;
  readonly job: JobRef;
  readonly eventTime: string;
}

/** What lies upstream or downstream of a dataset: datasets and the jobs between them, nearest first. */
export interface LineageGraph {
  readonly datasets: readonly DatasetId[];
  readonly jobs: readonly JobRef[];
}

const jobKey = (job: JobRef): string => `${job.namespace}/${job.name}`;

/**
 * An in-memory lineage index built from RunEvents (live, or read back from the JSONL store). It
 * answers the auditor's questions: where a dataset comes from, what it feeds, and which runs
 * wrote a given Iceberg snapshot. Quality-gate checks are runs of their own and are not edges:
 * a gate reads a dataset but feeds nothing.
 */
export class LineageIndex {
  private readonly datasets = new Map<string, DatasetId>();
  private readonly jobs = new Map<string, JobRef>();
  /** dataset key → jobs writing it; job key → datasets it reads; and the reverse pair. */
  private readonly writers = new Map<string, Set<string>>();
  private readonly readsOf = new Map<string, Set<string>>();
  private readonly readers = new Map<string, Set<string>>();
  private readonly writesOf = new Map<string, Set<string>>();
  private readonly versions = new Map<string, RunRef[]>();

  /** Reads a JSONL lineage store; throws {@link LineageError} naming the first line that is not a RunEvent. */
  static async fromJsonl(path: string): Promise<LineageIndex> {
    const index = new LineageIndex();
    const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
    let number = 0;
    try {
      for await (const line of lines) {
        number++;
        if (line.trim() === '') continue;
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch (error) {
          throw new LineageError(`${path}:${number} is not JSON: ${(error as Error).message}`);
        }
        const parsed = runEventSchema.safeParse(json);
        if (!parsed.success)
          throw new LineageError(
            `${path}:${number} is not an OpenLineage RunEvent: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          );
        index.add(parsed.data);
      }
    } catch (error) {
      if (error instanceof LineageError) throw error;
      throw new LineageError(`cannot read the lineage store ${path}: ${(error as Error).message}`, error);
    }
    return index;
  }

  /** Adds one event; repeated events of the same run are harmless. */
  add(event: RunEvent): void {
    if (event.job.facets?.jobType?.jobType === 'QUALITY_GATE') return;
    const job = { namespace: event.job.namespace, name: event.job.name };
    const jk = jobKey(job);
    this.jobs.set(jk, job);
    for (const input of event.inputs ?? []) {
      const dk = this.dataset(input);
      link(this.readsOf, jk, dk);
      link(this.readers, dk, jk);
    }
    for (const out of event.outputs ?? []) {
      const dk = this.dataset(out);
      link(this.writers, dk, jk);
      link(this.writesOf, jk, dk);
      const version = out.facets?.version?.datasetVersion;
      if (version !== undefined && event.eventType === 'COMPLETE') {
        const key = `${dk}@${version}`;
        this.versions.set(key, [
          ...(this.versions.get(key) ?? []),
          { runId: event.run.runId, job, eventTime: event.eventTime },
        ]);
      }
    }
  }

  /** Datasets and jobs the dataset (a URI or an id) was derived from, transitively, nearest first. */
  upstream(dataset: string | DatasetId, depth = Infinity): LineageGraph {
    return this.walk(dataset, depth, this.writers, this.readsOf);
  }

  /** Datasets and jobs derived from the dataset, transitively, nearest first. */
  downstream(dataset: string | DatasetId, depth = Infinity): LineageGraph {
    return this.walk(dataset, depth, this.readers, this.writesOf);
  }

  /** The completed runs whose output was the given snapshot (dataset version) of the dataset. */
  runsProducingSnapshot(dataset: string | DatasetId, snapshotId: string | number | bigint): RunRef[] {
    return [...(this.versions.get(`${datasetKey(toId(dataset))}@${String(snapshotId)}`) ?? [])];
  }

  /** Every dataset with a snapshot (version) of this id, and the completed runs that wrote it. */
  snapshotRuns(snapshotId: string | number | bigint): { dataset: DatasetId; runs: RunRef[] }[] {
    const suffix = `@${String(snapshotId)}`;
    return [...this.versions.entries()]
      .filter(([key]) => key.endsWith(suffix))
      .map(([key, runs]) => ({ dataset: this.datasets.get(key.slice(0, -suffix.length))!, runs: [...runs] }));
  }

  private dataset(id: DatasetId): string {
    const key = datasetKey(id);
    this.datasets.set(key, { namespace: id.namespace, name: id.name });
    return key;
  }

  private walk(
    start: string | DatasetId,
    depth: number,
    toJobs: Map<string, Set<string>>,
    toDatasets: Map<string, Set<string>>,
  ): LineageGraph {
    const seenDatasets = new Set<string>([datasetKey(toId(start))]);
    const seenJobs = new Set<string>();
    const datasets: DatasetId[] = [];
    const jobs: JobRef[] = [];
    let frontier = [...seenDatasets];
    for (let level = 0; level < depth && frontier.length > 0; level++) {
      const next: string[] = [];
      for (const dk of frontier)
        for (const jk of toJobs.get(dk) ?? []) {
          if (seenJobs.has(jk)) continue;
          seenJobs.add(jk);
          jobs.push(this.jobs.get(jk)!);
          for (const nk of toDatasets.get(jk) ?? []) {
            if (seenDatasets.has(nk)) continue;
            seenDatasets.add(nk);
            datasets.push(this.datasets.get(nk)!);
            next.push(nk);
          }
        }
      frontier = next;
    }
    return { datasets, jobs };
  }
}

function toId(dataset: string | DatasetId): DatasetId {
  return typeof dataset === 'string' ? datasetId(dataset) : dataset;
}

function link(map: Map<string, Set<string>>, from: string, to: string): void {
  let set = map.get(from);
  if (set === undefined) map.set(from, (set = new Set()));
  set.add(to);
}
