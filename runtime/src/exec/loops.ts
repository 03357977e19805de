import type { RunPlan } from "./plan";

/** How many times a recursive switch may loop back when its `maxIterations` does not say. */
export const DEFAULT_MAX_ITERATIONS = 1000;

/**
 * What a task carries about the loops it is in: per loop edge (`from → to`), how many times the
 * path that led to the task went back along it. Plain data, copied as tasks follow transitions.
 */
export type LoopCounts = Readonly<Record<string, number>>;

/** Where the path goes next, or why the run must stop. */
export type LoopStep = { counts: LoopCounts } | { exceeded: string };

/**
 * Counts the iterations of recursive switches (Metaflow 2.18): a switch case that leads back to
 * its own step or an earlier one. The analyzer allows a loop only through a switch, so every back
 * edge of the plan is a switch case.
 */
export class LoopCounter {
  private readonly backEdges: Map<string, { from: string; to: string }>;

  constructor(private readonly plan: RunPlan) {
    this.backEdges = findBackEdges(plan);
  }

  /**
   * The counts after following `from → to`. Going back counts one more iteration of that loop, and
   * fails past its bound; entering a loop's first step from outside starts that loop afresh, so an
   * inner loop gets its whole bound on each iteration of an outer one.
   */
  follow(counts: LoopCounts | undefined, from: string, to: string): LoopStep {
    const key = edgeKey(from, to);
    const current = counts ?? {};
    if (!this.backEdges.has(key)) {
      const entered = Object.entries(current).filter(([edge]) => this.backEdges.get(edge)?.to !== to);
      return { counts: entered.length === Object.keys(current).length ? current : Object.fromEntries(entered) };
    }
    const iterations = (current[key] ?? 0) + 1;
    const bound = this.plan.steps.get(from)?.transition.maxIterations ?? DEFAULT_MAX_ITERATIONS;
    if (iterations > bound) return { exceeded: exceededMessage(from, to, bound) };
    return { counts: { ...current, [key]: iterations } };
  }
}

function exceededMessage(from: string, to: string, bound: number): string {
  const where = from === to ? `to itself` : `to \`${to}\``;
  return `the switch in step \`${from}\` looped back ${where} more than ${bound} times, the bound of its loop: end the loop sooner, or raise the bound with \`this.next({ ... }, { condition: "...", maxIterations: N })\``;
}

function edgeKey(from: string, to: string): string {
  return `${from}\u0000${to}`;
}

/** Tells whether `from → to` goes back to an earlier step (a recursive switch's loop) in `plan`. */
export function loopEdges(plan: RunPlan): (from: string, to: string) => boolean {
  const edges = findBackEdges(plan);
  return (from, to) => edges.has(edgeKey(from, to));
}

/** Depth-first from `start` with its own stack: an edge to a step still on the path closes a loop. */
function findBackEdges(plan: RunPlan): Map<string, { from: string; to: string }> {
  const edges = new Map<string, { from: string; to: string }>();
  const state = new Map<string, "open" | "done">();
  const targets = (name: string) => plan.steps.get(name)?.transition.targets.filter((t) => plan.steps.has(t)) ?? [];
  if (!plan.steps.has("start")) return edges;
  const path = [{ name: "start", targets: targets("start"), next: 0 }];
  state.set("start", "open");
  while (path.length > 0) {
    const top = path[path.length - 1];
    const target = top.targets[top.next++];
    if (target === undefined) {
      state.set(top.name, "done");
      path.pop();
    } else if (state.get(target) === "open") {
      edges.set(edgeKey(top.name, target), { from: top.name, to: target });
    } else if (!state.has(target)) {
      state.set(target, "open");
      path.push({ name: target, targets: targets(target), next: 0 });
    }
  }
  return edges;
}
