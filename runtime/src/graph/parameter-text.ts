/** How parameters are told to users and checked, shared by the analyzer, the CLI and the worker: no TypeScript here. */
import type { JsonValue, Parameter, ParameterType } from "./model";

/**
 * The default as `show`, `run --help` and the editor's hover all say it: the literal, the
 * expression the run evaluates when it starts, or "required".
 */
export function defaultText(parameter: Parameter): string {
  if (parameter.computedDefault) return `default computed at run time: ${parameter.defaultText ?? "?"}`;
  if (parameter.default !== undefined) return `default ${JSON.stringify(parameter.default)}`;
  return "required";
}

/** What `--name` takes, for help: `NUMBER`, `INTEGER`, `FILE`, or the choices `a|b`. */
export function valueName(parameter: Parameter): string {
  if (parameter.choices) return parameter.choices.map((c) => (typeof c === "string" ? c : JSON.stringify(c))).join("|");
  return parameter.type.toUpperCase();
}

/**
 * What is wrong with `value` for a parameter of this type and choices, said after "the default of
 * parameter `x`" or "the value of --x"; undefined when nothing is. The CLI and the worker share it.
 */
export function valueProblem(
  type: ParameterType,
  choices: readonly JsonValue[] | undefined,
  value: JsonValue,
): string | undefined {
  if (type === "integer" && !(typeof value === "number" && Number.isInteger(value)))
    return `is ${JSON.stringify(value)}, but its type is integer: give a whole number`;
  if (type === "file" && typeof value !== "string") return `must be a path, not ${JSON.stringify(value)}`;
  if (type !== "integer" && type !== "json" && type !== "file" && typeof value !== type)
    return `is a ${typeof value}, but its type is ${type}`;
  if (choices && !choices.includes(value))
    return `is ${JSON.stringify(value)}, which is not one of its choices ${choices.map((c) => JSON.stringify(c)).join(", ")}`;
  return undefined;
}
