import type { FlowFacts } from "../facts";
import type { Diagnostic } from "../model";
import { successors, type FlowStructure } from "../structure";
import { closestName, diagnostic, type Check } from "./check";

/** unreachable-step and cycle. */
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

function cycles(structure: FlowStructure): Diagnostic[] {
  return structure.backEdges.map((edge) => {
    const loop = [...edge.loop, edge.target.step].join(" → ");
    return diagnostic(
      "cycle",
      `the transition from \`${edge.from}\` to \`${edge.target.step}\` closes a loop (${loop}): flows are acyclic, so lead to a later step instead`,
      edge.target.range,
      {
        step: edge.from,
        related: edge.loop.map((name) => ({
          message: `\`${name}\` is part of the loop`,
          range: structure.byName.get(name)!.step.nameRange,
        })),
      },
    );
  });
}
