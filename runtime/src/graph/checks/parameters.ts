import type { Diagnostic } from "../model";
import { diagnostic, type Check } from "./check";

/** Names a parameter cannot take because `tsflow run` already has an option of that name. */
const CLI_OPTIONS = new Set([
  "tag",
  "json",
  "help",
  "with",
  "flow",
  "version",
  "namespace",
  "maxWorkers",
  "runIdFile",
  "datastoreRoot",
  "originRunId",
]);

/** invalid-parameter and param-name-conflict. */
export const checkParameters: Check = (facts, structure) => {
  const found: Diagnostic[] = [];
  for (const { parameter, problems } of facts.parameters) {
    for (const problem of problems) found.push(diagnostic("invalid-parameter", problem.message, problem.range));
    const name = parameter.name;
    const conflict = structure.byName.has(name)
      ? `parameter \`${name}\` has the name of a step: rename one of them`
      : facts.methods.has(name)
        ? `parameter \`${name}\` has the name of method \`${name}\`: rename one of them`
        : CLI_OPTIONS.has(name)
          ? `parameter \`${name}\` would clash with \`tsflow run\`'s own option --${name}: rename it`
          : undefined;
    if (conflict) found.push(diagnostic("param-name-conflict", conflict, parameter.nameRange));
  }
  for (const clash of facts.parameterClashes) {
    const what = clash.bothParameters
      ? `parameter \`${clash.name}\` is declared twice`
      : `\`${clash.name}\` is declared both as a parameter and as an artifact field`;
    found.push(
      diagnostic("param-name-conflict", `${what}: keep one declaration`, clash.range, {
        related: [{ message: `first declaration of \`${clash.name}\``, range: clash.firstRange }],
      }),
    );
  }
  const parameters = new Set(facts.parameters.map((p) => p.parameter.name));
  for (const { step } of facts.steps) {
    for (const use of step.assigns) {
      if (parameters.has(use.name)) {
        found.push(
          diagnostic(
            "param-name-conflict",
            `\`${use.name}\` is a parameter, fixed for the whole run: store the new value under another artifact name`,
            use.range,
            { step: step.name },
          ),
        );
      }
    }
  }
  return found;
};
