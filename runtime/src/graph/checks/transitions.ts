import type { FlowFacts, StepFacts } from "../facts";
import type { Diagnostic, TransitionTarget } from "../model";
import type { FlowStructure } from "../structure";
import { closestName, diagnostic, type Check } from "./check";

/** missing-transition, end-has-transition, multiple-transitions, transition-not-last, invalid-transition, unknown-step. */
export const checkTransitions: Check = (facts, structure) => {
  const found: Diagnostic[] = [];
  for (const step of facts.steps) {
    found.push(...checkCalls(step));
    for (const target of step.step.transition?.targets ?? []) {
      if (!structure.byName.has(target.step)) found.push(unknownStep(step, target, facts, structure));
    }
  }
  return found;
};

function checkCalls(step: StepFacts): Diagnostic[] {
  const name = step.step.name;
  const calls = step.nextCalls;
  const found: Diagnostic[] = [];
  for (const call of calls) {
    for (const problem of call.problems)
      found.push(diagnostic("invalid-transition", problem.message, problem.range, { step: name }));
  }
  if (name === "end") {
    for (const call of calls) {
      found.push(
        diagnostic(
          "end-has-transition",
          "`end` is the last step and takes no `this.next(...)`: remove it",
          call.range,
          { step: name },
        ),
      );
    }
    return found;
  }
  if (calls.length === 0) {
    found.push(
      diagnostic(
        "missing-transition",
        `step \`${name}\` never calls \`this.next\`: end it with a transition such as \`this.next(this.end)\``,
        step.step.nameRange,
        { step: name },
      ),
    );
  } else if (calls.length > 1) {
    const first = { message: "the first transition", range: calls[0].range };
    for (const call of calls.slice(1)) {
      found.push(
        diagnostic(
          "multiple-transitions",
          `step \`${name}\` calls \`this.next\` ${calls.length} times: a step has one transition, its last statement (to choose a branch at run time, use a switch with \`condition\`)`,
          call.range,
          { step: name, related: [first] },
        ),
      );
    }
  } else if (!calls[0].isTail) {
    found.push(
      diagnostic(
        "transition-not-last",
        `\`this.next\` must be the last statement of step \`${name}\`, outside any block or callback: move it to the end`,
        calls[0].range,
        { step: name },
      ),
    );
  }
  return found;
}

function unknownStep(
  step: StepFacts,
  target: TransitionTarget,
  facts: FlowFacts,
  structure: FlowStructure,
): Diagnostic {
  const extra = { step: step.step.name };
  const method = facts.methods.get(target.step);
  if (method) {
    return diagnostic(
      "unknown-step",
      `\`${target.step}\` is a method but not a step: add \`@step\` above it`,
      target.range,
      {
        ...extra,
        related: [{ message: `\`${target.step}\` is declared here without @step`, range: method }],
      },
    );
  }
  const suggestion = closestName(target.step, structure.byName.keys());
  const isArtifact =
    facts.graph.artifacts.some((a) => a.name === target.step) ||
    facts.parameters.some((p) => p.parameter.name === target.step);
  const what = isArtifact ? "an artifact, not a step" : "not a step of this flow";
  const hint = suggestion
    ? `: did you mean \`${suggestion}\`?`
    : `: the steps are ${[...structure.byName.keys()].map((n) => `\`${n}\``).join(", ")}`;
  return diagnostic("unknown-step", `\`${target.step}\` is ${what}${hint}`, target.range, {
    ...extra,
    ...(suggestion ? { suggestion } : {}),
  });
}
