import { chosenTransition, type ChosenTransition } from "../../authoring/flow-spec";
import { describeValue } from "../../datastore/serialize";
import { TsflowError } from "../../errors";
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
  if (Array.isArray(value)) return value.length;
  if (ArrayBuffer.isView(value) && "length" in value) return (value as unknown as { length: number }).length;
  if (value !== null && typeof value === "object" && Symbol.iterator in value)
    return Array.from(value as Iterable<unknown>).length;
  throw new TsflowError(
    "foreach-value",
    `step \`${step}\` runs a foreach over \`${name}\`, which must be an array or another iterable; it is ${value === undefined ? "not set" : typeof value}`,
  );
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
