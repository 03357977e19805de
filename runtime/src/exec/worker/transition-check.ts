import { chosenTransition, type ChosenTransition } from "../../authoring/flow-spec";
import { describeValue } from "../../datastore/serialize";
import { TsflowError } from "../../errors";
import { foreachItems } from "./foreach-input";
import type { TaskOutcome, TaskSpec } from "../protocol";

type FlowInstance = Record<string, unknown>;

/**
 * Checks the transition the step took against the one its source declares, and reads what the
 * scheduler needs from it: the foreach size or the switch case.
 */
export function followTransition(
  flow: FlowInstance,
  spec: TaskSpec,
  caught: boolean,
): Pick<TaskOutcome, "foreachCount" | "switchCase"> {
  const expected = spec.transition;
  const chosen = chosenTransition(flow);
  if (expected.type === "end") return {};
  if (!caught) {
    if (!chosen)
      throw new TsflowError(
        "no-transition",
        `step \`${spec.step}\` returned without calling this.next(...): every path through a step must end with its transition`,
      );
    checkTargets(flow, chosen, spec);
  }
  if (expected.type === "foreach")
    return { foreachCount: foreachSize(flow[expected.foreach!], expected.foreach!, spec.step) };
  if (expected.type === "switch")
    return { switchCase: switchCase(flow[expected.condition!], expected.condition!, expected.cases!, spec.step) };
  return {};
}

function checkTargets(flow: FlowInstance, chosen: ChosenTransition, spec: TaskSpec) {
  const names = (fns: unknown[]) => fns.map((fn) => stepNameOf(flow, fn));
  const targets = Array.isArray(chosen.targets)
    ? names(chosen.targets)
    : Object.keys(chosen.targets).map(
        (label) => `${label}:${names([(chosen.targets as Record<string, unknown>)[label]])[0]}`,
      );
  const expected =
    spec.transition.type === "switch"
      ? Object.entries(spec.transition.cases!).map(([label, step]) => `${label}:${step}`)
      : spec.transition.targets;
  if (targets.join(",") !== expected.join(",")) {
    throw new TsflowError(
      "transition-mismatch",
      `step \`${spec.step}\` called this.next with ${targets.join(", ")}, but its source says ${expected.join(", ")}`,
    );
  }
}

function stepNameOf(flow: FlowInstance, fn: unknown): string {
  let proto = Object.getPrototypeOf(flow) as object | null;
  while (proto && proto !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(proto)) if (flow[name] === fn) return name;
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return "(not a step)";
}

function foreachSize(value: unknown, name: string, step: string): number {
  const items = foreachItems(value);
  if (items) return items.length;
  throw new TsflowError(
    "foreach-value",
    `step \`${step}\` runs a foreach over \`${name}\`, which must be iterable (an array, a string, a Set, a Map...); it is ${describeFound(value)}`,
  );
}

/** What a step left in an artifact, for messages: "a number (42)", "a plain object (keys a, b)". */
function describeFound(value: unknown): string {
  if (value === undefined) return "not set";
  if (value === null) return "null";
  switch (typeof value) {
    case "number":
    case "boolean":
      return `a ${typeof value} (${String(value)})`;
    case "bigint":
      return `a bigint (${value}n)`;
    case "function":
      return "a function";
    case "object":
      if (Object.getPrototypeOf(value) === Object.prototype) {
        const keys = Object.keys(value);
        const shown = keys.length > 5 ? `${keys.slice(0, 5).join(", ")}, ...` : keys.join(", ");
        return `a plain object (${keys.length ? `keys ${shown}` : "no keys"}); for one task per key, store Object.entries() of it`;
      }
      return `a ${describeValue(value)}`;
    default:
      return `a ${typeof value}`;
  }
}

function switchCase(value: unknown, name: string, cases: Record<string, string>, step: string): string {
  if (typeof value === "string" && value in cases) return value;
  const shown =
    typeof value === "string" ? `"${value}"` : value === undefined ? "not set" : `a ${describeValue(value)}`;
  throw new TsflowError(
    "switch-value",
    `step \`${step}\` switches on \`${name}\`, which is ${shown}; it must be one of ${Object.keys(cases)
      .map((c) => `"${c}"`)
      .join(", ")}`,
  );
}
