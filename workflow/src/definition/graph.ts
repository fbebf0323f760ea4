/** The dependency graph of a pipeline's stages: edges point from a stage to the stages it depends on. */
export interface StageGraph {
  /** Stage ids in definition order. */
  ids: readonly string[];
  dependsOn: ReadonlyMap<string, readonly string[]>;
}

/**
 * Finds one dependency cycle and returns it as a closed path (`a → b → c → a`), or undefined.
 * Unknown dependencies are ignored here (they are reported on their own).
 */
export function findCycle(graph: StageGraph): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'open');
    stack.push(id);
    for (const dep of graph.dependsOn.get(id) ?? []) {
      if (!graph.dependsOn.has(dep)) continue;
      const s = state.get(dep);
      if (s === 'open') return [...stack.slice(stack.indexOf(dep)), dep];
      if (s === undefined) {
        const found = visit(dep);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of graph.ids) {
    if (state.has(id)) continue;
    const found = visit(id);
    if (found) return found.reverse();
  }
  return undefined;
}

/** Every stage `id` depends on, directly or not. */
export function ancestorsOf(graph: StageGraph, id: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(graph.dependsOn.get(id) ?? [])];
  for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    todo.push(...(graph.dependsOn.get(next) ?? []));
  }
  return seen;
}

/** Every stage that depends on `id`, directly or not. */
export function descendantsOf(graph: StageGraph, id: string): Set<string> {
  const seen = new Set<string>();
  for (const other of graph.ids) if (other !== id && ancestorsOf(graph, other).has(id)) seen.add(other);
  return seen;
}

/** Stage ids in an order where every stage comes after its dependencies (the graph must be acyclic). */
export function topologicalOrder(graph: StageGraph): string[] {
  const order: string[] = [];
  const done = new Set<string>();
  const visit = (id: string): void => {
    if (done.has(id)) return;
    done.add(id);
    for (const dep of graph.dependsOn.get(id) ?? []) if (graph.dependsOn.has(dep)) visit(dep);
    order.push(id);
  };
  for (const id of graph.ids) visit(id);
  return order;
}
