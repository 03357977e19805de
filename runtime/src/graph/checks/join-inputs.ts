import type { StepFacts } from "../facts";
import type { Diagnostic } from "../model";
import { availableArtifacts } from "./artifacts";
import { closestName, diagnostic, listNames, type Check } from "./check";

/**
 * unknown-join-input, input-artifact-never-set and merge-include-exclude: what a join does with
 * its `inputs`, judged against the steps that lead to it.
 */
export const checkJoinInputs: Check = (facts, structure) => {
  const available = availableArtifacts(structure);
  const always = new Set([...facts.parameters.map((p) => p.parameter.name), ...facts.initializedFields]);
  const found: Diagnostic[] = [];
  const misdirected = stepsNamingUnknownSteps(facts.steps);
  for (const step of facts.steps) {
    found.push(...mergeOptions(step));
    // An unreachable step, or one that is no join, is reported for that; its inputs mean nothing yet.
    if (!step.step.inputs || !structure.reachable.has(step.step.name)) continue;
    const sets = (input: string, artifact: string) => always.has(artifact) || available.get(input)?.has(artifact);
    found.push(...inputReads(step, sets, misdirected));
  }
  return found;
};

/**
 * Steps whose transition names a step that does not exist (`unknown-step`): such a step may have
 * been meant to lead to a join, so reading it there is that error's echo, not a mistake of its own.
 */
function stepsNamingUnknownSteps(steps: readonly StepFacts[]): Set<string> {
  const names = new Set(steps.map((s) => s.step.name));
  const targetsUnknown = (s: StepFacts) => s.step.transition?.targets.some((t) => !names.has(t.step)) ?? false;
  return new Set(steps.filter(targetsUnknown).map((s) => s.step.name));
}

function inputReads(
  step: StepFacts,
  sets: (input: string, artifact: string) => boolean | undefined,
  misdirected: ReadonlySet<string>,
): Diagnostic[] {
  const name = step.step.name;
  const inputs = step.step.previous;
  const found: Diagnostic[] = [];
  const warned = new Set<string>();
  for (const read of step.joinBody.inputReads) {
    if (read.step !== undefined && !inputs.includes(read.step)) {
      if (misdirected.has(read.step)) continue;
      const meant = closestName(read.step, inputs);
      const hint = meant ? `did you mean \`${meant}\`? ` : "";
      found.push(
        diagnostic(
          "unknown-join-input",
          `\`${step.step.inputs!.name}.${read.step}\`: \`${read.step}\` is not one of the steps that lead to join \`${name}\` (${listNames(inputs)}): ${hint}read an input by the name of a step that leads here`,
          read.range,
          { step: name, ...(meant ? { suggestion: meant } : {}) },
        ),
      );
      continue;
    }
    const artifact = read.artifact;
    if (!artifact || warned.has(`${read.step ?? ""}.${artifact.name}`)) continue;
    const candidates = read.step !== undefined ? [read.step] : inputs;
    if (candidates.length === 0 || candidates.some((input) => sets(input, artifact.name))) continue;
    warned.add(`${read.step ?? ""}.${artifact.name}`);
    const from = read.step !== undefined ? `input \`${read.step}\`` : `any input of \`${name}\``;
    found.push(
      diagnostic(
        "input-artifact-never-set",
        `\`${artifact.name}\` is read from ${from}, but no step on a path to ${listNames(candidates)} assigns it: assign \`this.${artifact.name}\` there, or read another artifact`,
        artifact.range,
        { step: name },
      ),
    );
  }
  return found;
}

function mergeOptions(step: StepFacts): Diagnostic[] {
  return step.joinBody.mergeCalls
    .filter((call) => call.include && call.exclude)
    .map((call) =>
      diagnostic(
        "merge-include-exclude",
        `\`mergeArtifacts\` in \`${step.step.name}\` takes \`include\` or \`exclude\`, not both: list only the artifacts to merge, or only those to leave out`,
        call.exclude!,
        { step: step.step.name, related: [{ message: "`include` is given here", range: call.include! }] },
      ),
    );
}
