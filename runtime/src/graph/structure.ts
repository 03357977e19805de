import type { FlowFacts, StepFacts } from "./facts";
import type { StepKind, TransitionTarget } from "./model";

/** An edge whose target is already on the path to its source: following it would loop forever. */
export interface BackEdge {
  from: string;
  target: TransitionTarget;
  /** The steps of the loop, from the target round to `from`. */
  loop: string[];
}

/** The shape of a flow's graph that several checks need, computed once. */
export interface FlowStructure {
  byName: Map<string, StepFacts>;
  reachable: Set<string>;
  backEdges: BackEdge[];
  /** Every step in an order where each comes after its predecessors, back edges ignored. */
  order: string[];
}

/** Fills in each step's kind and predecessors and returns the structure the checks share. */
export function analyzeStructure(facts: FlowFacts): FlowStructure {
  const byName = new Map<string, StepFacts>();
  for (const step of facts.steps) byName.set(step.step.name, step);
  for (const { step } of facts.steps) {
    step.kind = kindOf(step);
    for (const next of step.next) {
      const target = byName.get(next)?.step;
      if (target && !target.previous.includes(step.name)) target.previous.push(step.name);
    }
  }
  const backEdges = findBackEdges(facts.steps, byName);
  return {
    byName,
    reachable: reachableFrom("start", byName),
    backEdges,
    order: topologicalOrder(facts.steps, byName, backEdges),
  };
}

function kindOf(step: StepFacts["step"]): StepKind {
  if (step.name === "start") return "start";
  if (step.name === "end") return "end";
  if (step.inputs) return "join";
  return step.transition?.type ?? "linear";
}

/** Known successors: transitions to unknown steps are reported elsewhere and lead nowhere. */
export function successors(step: StepFacts, byName: Map<string, StepFacts>): TransitionTarget[] {
  return step.step.transition?.targets.filter((t) => byName.has(t.step)) ?? [];
}

function reachableFrom(root: string, byName: Map<string, StepFacts>): Set<string> {
  const seen = new Set<string>();
  const queue = byName.has(root) ? [root] : [];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const target of successors(byName.get(name)!, byName)) queue.push(target.step);
  }
  return seen;
}

/**
 * Depth-first from `start`, then from every step not yet seen, so loops off the main path count too.
 * The walk keeps its own stack: recursion would overflow on a flow of a few thousand steps.
 */
function findBackEdges(steps: StepFacts[], byName: Map<string, StepFacts>): BackEdge[] {
  const state = new Map<string, "open" | "done">();
  const path: Array<{ name: string; targets: TransitionTarget[]; next: number }> = [];
  const edges: BackEdge[] = [];
  const open = (name: string) => {
    state.set(name, "open");
    path.push({ name, targets: successors(byName.get(name)!, byName), next: 0 });
  };
  const roots = [...(byName.has("start") ? ["start"] : []), ...steps.map((s) => s.step.name)];
  for (const root of roots) {
    if (state.has(root)) continue;
    open(root);
    while (path.length > 0) {
      const top = path[path.length - 1];
      const target = top.targets[top.next++];
      if (!target) {
        path.pop();
        state.set(top.name, "done");
        continue;
      }
      const seen = state.get(target.step);
      if (seen === "open") {
        const names = path.map((frame) => frame.name);
        edges.push({ from: top.name, target, loop: names.slice(names.indexOf(target.step)) });
      } else if (seen === undefined) {
        open(target.step);
      }
    }
  }
  return edges;
}

function topologicalOrder(steps: StepFacts[], byName: Map<string, StepFacts>, backEdges: BackEdge[]): string[] {
  const skipped = new Set(backEdges.map((e) => `${e.from}\u0000${e.target.step}`));
  const indegree = new Map(steps.map((s) => [s.step.name, 0]));
  const forward = (step: StepFacts) =>
    successors(step, byName).filter((t) => !skipped.has(`${step.step.name}\u0000${t.step}`));
  for (const step of steps) for (const t of forward(step)) indegree.set(t.step, indegree.get(t.step)! + 1);
  const ready = steps.filter((s) => indegree.get(s.step.name) === 0).map((s) => s.step.name);
  const order: string[] = [];
  while (ready.length > 0) {
    const name = ready.shift()!;
    order.push(name);
    for (const t of forward(byName.get(name)!)) {
      const left = indegree.get(t.step)! - 1;
      indegree.set(t.step, left);
      if (left === 0) ready.push(t.step);
    }
  }
  return order;
}
