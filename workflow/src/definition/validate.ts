import { ancestorsOf, findCycle, type StageGraph } from './graph.js';
import type { PipelineDefinition } from './schema.js';

/** A problem found in a parsed definition, located by its path in the document. */
export interface PathIssue {
  path: (string | number)[];
  message: string;
}

/** The stage graph of a definition. */
export function stageGraph(def: PipelineDefinition): StageGraph {
  return { ids: def.stages.map((s) => s.id), dependsOn: new Map(def.stages.map((s) => [s.id, s.dependsOn])) };
}

/**
 * Checks what the schema cannot: unique ids, known stage types, dependencies that exist, no cycle,
 * and that a dataset written by one stage is only read by stages downstream of that writer.
 * Inputs no stage writes are the pipeline's external sources and are fine.
 */
export function validateDefinition(
  def: PipelineDefinition,
  knownTypes?: (name: string) => boolean,
  typeNames: readonly string[] = [],
): PathIssue[] {
  const issues: PathIssue[] = [];
  const firstIndex = new Map<string, number>();
  def.stages.forEach((s, i) => {
    const first = firstIndex.get(s.id);
    if (first !== undefined)
      issues.push({
        path: ['stages', i, 'id'],
        message: `duplicate stage id '${s.id}' (first used by stages[${first}])`,
      });
    else firstIndex.set(s.id, i);
    if (knownTypes && !knownTypes(s.type))
      issues.push({
        path: ['stages', i, 'type'],
        message: `unknown stage type '${s.type}' (known: ${typeNames.join(', ') || 'none registered'})`,
      });
    s.dependsOn.forEach((dep, j) => {
      if (!firstIndex.has(dep) && !def.stages.some((o) => o.id === dep))
        issues.push({
          path: ['stages', i, 'dependsOn', j],
          message: `stage '${s.id}' depends on '${dep}', which is not a stage of this pipeline`,
        });
      else if (dep === s.id)
        issues.push({ path: ['stages', i, 'dependsOn', j], message: `stage '${s.id}' depends on itself` });
    });
  });
  const graph = stageGraph(def);
  const cycle = findCycle(graph);
  if (cycle && cycle.length > 2) {
    const at = def.stages.findIndex((s) => s.id === cycle[0]);
    issues.push({ path: ['stages', at, 'dependsOn'], message: `dependency cycle: ${cycle.join(' → ')}` });
  }
  if (cycle) return issues;
  const writers = new Map<string, string[]>();
  for (const s of def.stages) for (const o of s.outputs) writers.set(o, [...(writers.get(o) ?? []), s.id]);
  def.stages.forEach((s, i) => {
    const upstream = ancestorsOf(graph, s.id);
    s.inputs.forEach((input, j) => {
      const w = writers.get(input)?.filter((id) => id !== s.id);
      if (w && w.length > 0 && !w.some((id) => upstream.has(id)))
        issues.push({
          path: ['stages', i, 'inputs', j],
          message: `stage '${s.id}' reads ${input} before any stage writes it: it is written by ${w.map((id) => `'${id}'`).join(', ')}, which '${s.id}' does not depend on (add dependsOn: [${w[0] ?? ''}])`,
        });
    });
  });
  return issues;
}
