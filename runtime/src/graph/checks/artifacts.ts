import type { StepFacts } from "../facts";
import type { Diagnostic, VariableRef } from "../model";
import type { FlowStructure } from "../structure";
import { closestName, diagnostic, type Check } from "./check";

/** foreach-var-missing, switch-var-missing and artifact-never-set: is each artifact set before use? */
export const checkArtifacts: Check = (facts, structure) => {
  const available = availableArtifacts(structure);
  const always = new Set([...facts.parameters.map((p) => p.parameter.name), ...facts.initializedFields]);
  const isSet = (step: string, name: string) => always.has(name) || available.get(step)!.has(name);
  const found: Diagnostic[] = [];
  for (const step of facts.steps) {
    const name = step.step.name;
    // No path from `start` reaches the step (reported as unreachable, or explained by a typo): nothing to judge.
    if (structure.byName.has("start") && !structure.reachable.has(name)) continue;
    const { foreach, condition } = step.step.transition ?? {};
    const known = () => [...always, ...available.get(name)!];
    if (foreach && !isSet(name, foreach.name))
      found.push(variableMissing("foreach-var-missing", "foreach", foreach, name, known()));
    if (condition && !isSet(name, condition.name))
      found.push(variableMissing("switch-var-missing", "condition", condition, name, known()));
    const reported = new Set<string>();
    for (const read of step.step.reads) {
      if (isSet(name, read.name) || reported.has(read.name)) continue;
      reported.add(read.name);
      found.push(
        diagnostic(
          "artifact-never-set",
          `\`this.${read.name}\` is read in \`${name}\` but no step on a path from \`start\` to it assigns it: assign it in \`${name}\` or a step before it`,
          read.range,
          { step: name },
        ),
      );
    }
  }
  return found;
};

function variableMissing(
  code: "foreach-var-missing" | "switch-var-missing",
  option: string,
  variable: VariableRef,
  step: string,
  known: string[],
): Diagnostic {
  const example = option === "foreach" ? "[...]" : '"..."';
  // A misspelling of an artifact that is set (`"itmes"` for `items`) is the likelier mistake.
  const meant = closestName(variable.name, known);
  const hint = meant ? `: did you mean \`${meant}\`? Otherwise` : ":";
  return diagnostic(
    code,
    `\`${option}: "${variable.name}"\` names an artifact that is assigned neither in \`${step}\` nor before it${hint} set \`this.${variable.name} = ${example}\` in \`${step}\` before \`this.next\``,
    variable.range,
    { step, ...(meant ? { suggestion: meant } : {}) },
  );
}

/** For each step, the artifacts assigned in it or in any step on a path from `start` to it. */
export function availableArtifacts(structure: FlowStructure): Map<string, Set<string>> {
  const available = new Map<string, Set<string>>();
  for (const name of structure.order) {
    const step = structure.byName.get(name)!;
    const set = new Set(assignedIn(step));
    for (const previous of step.step.previous) for (const artifact of available.get(previous) ?? []) set.add(artifact);
    available.set(name, set);
  }
  return available;
}

/** What a step sets: its assignments, and the @catchError variable it fills when it fails. */
export function assignedIn(step: StepFacts): string[] {
  const names = step.step.assigns.map((a) => a.name);
  for (const decorator of step.step.decorators) {
    const options = decorator.args[0];
    if (
      decorator.name === "catchError" &&
      options &&
      typeof options === "object" &&
      !Array.isArray(options) &&
      typeof options.var === "string"
    ) {
      names.push(options.var);
    }
  }
  return names;
}
