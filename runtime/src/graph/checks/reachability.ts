import type { FlowFacts } from "../facts";
import type { Diagnostic } from "../model";
import { successors, type FlowStructure } from "../structure";
import { closestName, diagnostic, type Check } from "./check";

/** unreachable-step and cycle (a loop that is not a recursive switch). */
export const checkReachability: Check = (facts, structure) => [...unreachable(facts, structure), ...cycles(structure)];

/**
 * Reports only the steps that explain the rest: a step nothing leads to, not the steps it leads to
 * (those come back once it is reached). A loop that nothing leads to is reported at its first step.
 */
function unreachable(facts: FlowFacts, structure: FlowStructure): Diagnostic[] {
  if (!structure.byName.has("start")) return [];
  const lost = facts.steps.filter((s) => !structure.reachable.has(s.step.name));
  const explained = new Set<string>();
  const explain = (name: string) => {
    const queue = [name];
    while (queue.length > 0) {
      const next = queue.pop()!;
      if (explained.has(next)) continue;
      explained.add(next);
      for (const t of successors(structure.byName.get(next)!, structure.byName)) queue.push(t.step);
    }
  };
  // A misspelt transition (`this.trian`) already explains why the step it meant is never reached,
  // and so does a `this.next` that is not the one drawn (multiple-transitions, end-has-transition).
  for (const name of structure.reachable) {
    for (const call of structure.byName.get(name)!.nextCalls) {
      for (const target of call.transition?.targets ?? []) {
        const meant = structure.byName.has(target.step)
          ? target.step
          : closestName(target.step, structure.byName.keys());
        if (meant && !structure.reachable.has(meant)) explain(meant);
      }
    }
  }
  const roots = lost.filter((s) => s.step.previous.length === 0 && !explained.has(s.step.name));
  roots.forEach((s) => explain(s.step.name));
  for (const step of lost) {
    if (!explained.has(step.step.name)) {
      roots.push(step);
      explain(step.step.name);
    }
  }
  return roots.map(({ step }) =>
    diagnostic(
      "unreachable-step",
      `no path from \`start\` reaches step \`${step.name}\`: name it in another step's \`this.next(...)\` or remove it`,
      step.nameRange,
      { step: step.name },
    ),
  );
}

/**
 * A loop is allowed only as Metaflow 2.18's recursive switch: the edge that closes it is a switch
 * case, and the loop neither leaves a split open nor closes one it did not open, so each iteration
 * starts where the one before it did.
 */
function cycles(structure: FlowStructure): Diagnostic[] {
  return structure.backEdges.flatMap((edge) => {
    const loop = [...edge.loop, edge.target.step].join(" → ");
    const from = structure.byName.get(edge.from)!.step;
    if (from.transition?.type === "switch" && balancedLoop(edge.loop, structure)) return [];
    const advice =
      from.transition?.type === "switch"
        ? "a switch may loop back only to a step inside the same branch or foreach, and a loop must join every split it opens"
        : "flows loop only through a switch (`this.next({ again: this.step, done: this.next }, { condition })`): lead to a later step instead, or make the loop's last step a switch";
    return [
      diagnostic(
        "cycle",
        `the transition from \`${edge.from}\` to \`${edge.target.step}\` closes a loop (${loop}): ${advice}`,
        edge.target.range,
        {
          step: edge.from,
          related: edge.loop.map((name) => ({
            message: `\`${name}\` is part of the loop`,
            range: structure.byName.get(name)!.step.nameRange,
          })),
        },
      ),
    ];
  });
}

/** Whether every split or foreach the loop opens is joined inside it, and no join closes an outer one. */
function balancedLoop(loop: string[], structure: FlowStructure): boolean {
  let open = 0;
  for (const name of loop) {
    const step = structure.byName.get(name)!.step;
    if (step.kind === "join" && --open < 0) return false;
    const type = step.transition?.type;
    if (type === "split" || type === "foreach") open++;
  }
  return open === 0;
}
