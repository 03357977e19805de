import { FLOWSPEC_MEMBERS } from "../facts";
import type { Diagnostic } from "../model";
import { diagnostic, type Check } from "./check";

/** missing-start, missing-end, duplicate-step, reserved-name, bad-step-signature. */
export const checkFundamentals: Check = (facts, structure) => {
  const found: Diagnostic[] = [];
  const flow = facts.graph;
  if (!structure.byName.has("start")) {
    found.push(
      diagnostic(
        "missing-start",
        `flow \`${flow.name}\` has no \`start\` step: add \`@step start() { ...; this.next(this.end); }\``,
        flow.nameRange,
      ),
    );
  }
  if (!structure.byName.has("end")) {
    found.push(
      diagnostic("missing-end", `flow \`${flow.name}\` has no \`end\` step: add \`@step end() {}\``, flow.nameRange),
    );
  }
  for (const duplicate of facts.duplicates) {
    found.push(
      diagnostic(
        "duplicate-step",
        `step \`${duplicate.name}\` is declared twice: rename or remove one of them`,
        duplicate.range,
        {
          step: duplicate.name,
          related: [{ message: `first declaration of \`${duplicate.name}\``, range: duplicate.firstRange }],
        },
      ),
    );
  }
  for (const step of facts.steps) {
    for (const problem of step.signatureProblems) {
      found.push(diagnostic("bad-step-signature", problem.message, problem.range, { step: step.step.name }));
    }
    if (step.step.name === "end" && step.step.inputs) {
      found.push(
        diagnostic(
          "bad-step-signature",
          "`end` cannot be a join: add a join step before `end` and let it take the `inputs`",
          step.step.inputs.range,
          { step: "end" },
        ),
      );
    }
  }
  found.push(...reservedNames(facts));
  return found;
};

const reservedHint = `${[...FLOWSPEC_MEMBERS].map((n) => `\`${n}\``).join(", ")} belong to FlowSpec`;

function reservedNames(facts: Parameters<Check>[0]): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const { step } of facts.steps) {
    if (FLOWSPEC_MEMBERS.has(step.name)) {
      found.push(
        diagnostic(
          "reserved-name",
          `step \`${step.name}\` uses a reserved name (${reservedHint}): rename the step`,
          step.nameRange,
          { step: step.name },
        ),
      );
    }
    for (const use of step.assigns) {
      if (FLOWSPEC_MEMBERS.has(use.name)) {
        found.push(
          diagnostic(
            "reserved-name",
            `\`this.${use.name}\` is reserved (${reservedHint}): store the value under another name`,
            use.range,
            { step: step.name },
          ),
        );
      }
    }
  }
  for (const { parameter } of facts.parameters) {
    if (FLOWSPEC_MEMBERS.has(parameter.name)) {
      found.push(
        diagnostic(
          "reserved-name",
          `parameter \`${parameter.name}\` uses a reserved name (${reservedHint}): rename it`,
          parameter.nameRange,
        ),
      );
    }
  }
  // `declare input: number` only narrows a type; a field that holds a value would shadow the API.
  for (const artifact of facts.graph.artifacts) {
    if (FLOWSPEC_MEMBERS.has(artifact.name) && facts.initializedFields.has(artifact.name)) {
      found.push(
        diagnostic(
          "reserved-name",
          `field \`${artifact.name}\` uses a reserved name (${reservedHint}): rename it`,
          artifact.range,
        ),
      );
    }
  }
  return found;
}
