import { createHash } from "node:crypto";
import type { FlowGraph, Step, StepKind, TransitionType } from "./model";

/**
 * What of a step decides how its tasks connect to the others: its kind, its transition and what it
 * iterates or switches on, and for a join the steps it gathers. Source positions, comments and the
 * step's body are left out, so an edit inside a step keeps its shape.
 */
export interface StepShape {
  kind: StepKind;
  /** "end" for a step without a transition. */
  transition: TransitionType | "end";
  /** Target steps in order; a switch's as "label:step". */
  targets: string[];
  foreach?: string;
  condition?: string;
  /** For a join: the steps whose transitions lead to it. */
  inputs?: string[];
}

/** A flow's structure, step by step: what a run records to tell later whether its tasks still fit. */
export type GraphShape = Record<string, StepShape>;

/** The shape of every step of `graph`. */
export function graphShape(graph: FlowGraph): GraphShape {
  return Object.fromEntries(graph.steps.map((step) => [step.name, stepShape(step)]));
}

function stepShape(step: Step): StepShape {
  const t = step.transition;
  return {
    kind: step.kind,
    transition: t ? t.type : "end",
    targets: t ? t.targets.map((x) => (x.label === undefined ? x.step : `${x.label}:${x.step}`)) : [],
    ...(t?.foreach ? { foreach: t.foreach.name } : {}),
    ...(t?.condition ? { condition: t.condition.name } : {}),
    ...(step.kind === "join" ? { inputs: [...step.previous].sort() } : {}),
  };
}

/** A hash of the graph's shape: equal for two graphs whose steps connect the same way. */
export function graphFingerprint(shape: GraphShape): string {
  const canonical = Object.keys(shape)
    .sort()
    .map((name) => [name, canonicalStep(shape[name])]);
  return createHash("sha256").update(JSON.stringify(canonical)).digest("hex");
}

function canonicalStep(s: StepShape): unknown[] {
  return [s.kind, s.transition, s.targets, s.foreach ?? null, s.condition ?? null, s.inputs ?? null];
}

/**
 * How the shape of step `name` differs between `before` and `after`, as short phrases ("its
 * transition was linear to a, now foreach over xs to b"); [] when it is the same.
 */
export function shapeChanges(before: StepShape, after: StepShape): string[] {
  const changes: string[] = [];
  if (before.kind !== after.kind) changes.push(`it was a ${before.kind} step, now a ${after.kind} step`);
  const was = describeTransition(before);
  const now = describeTransition(after);
  if (was !== now) changes.push(`its transition was ${was}, now ${now}`);
  const inputsBefore = (before.inputs ?? []).join(", ");
  const inputsAfter = (after.inputs ?? []).join(", ");
  if (before.kind === "join" && after.kind === "join" && inputsBefore !== inputsAfter) {
    changes.push(`its inputs were ${inputsBefore || "none"}, now ${inputsAfter || "none"}`);
  }
  return changes;
}

function describeTransition(s: StepShape): string {
  if (s.transition === "end") return "none (end)";
  const over = s.foreach !== undefined ? ` over ${s.foreach}` : s.condition !== undefined ? ` on ${s.condition}` : "";
  return `${s.transition}${over} to ${s.targets.join(", ")}`;
}
