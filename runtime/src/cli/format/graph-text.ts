import type { FlowGraph, Parameter, Step } from "../../graph";
import { defaultText, valueName } from "../../graph/parameter-text";
import type { Paint } from "./color";

/** A terminal rendering of a flow's DAG: parameters, then each step with its kind and transition. */
export function formatGraph(file: string, graph: FlowGraph, paint: Paint): string {
  const out = [`${paint("bold", graph.name)}  ${paint("gray", `${file}:${graph.nameRange.start.line + 1}`)}`];
  if (graph.doc) out.push(`  ${graph.doc}`);
  if (graph.parameters.length > 0) {
    out.push("", "Parameters");
    out.push(...table(graph.parameters.map(parameterRow)).map((row) => `  ${row}`));
  }
  out.push("", "Steps");
  const rows = table(
    graph.steps.map((step) => [
      step.name,
      step.kind,
      `line ${step.nameRange.start.line + 1}`,
      transitionText(step),
      decoratorText(step),
    ]),
  );
  out.push(
    ...rows.map(
      (row, i) =>
        `  ${paint(graph.steps[i].kind === "start" || graph.steps[i].kind === "end" ? "green" : "cyan", row)}`,
    ),
  );
  return out.join("\n") + "\n";
}

function parameterRow(parameter: Parameter): string[] {
  return [`--${parameter.name}`, typeText(parameter), defaultText(parameter), parameter.help ?? ""];
}

/** `integer`, `string (one of a, b)`, `file (binary)`. */
function typeText(parameter: Parameter): string {
  if (parameter.choices) return `${parameter.type} (one of ${valueName(parameter).split("|").join(", ")})`;
  if (parameter.type === "file" && parameter.encoding === "binary") return "file (binary)";
  return parameter.type;
}

/** "→ a, b", "→ fit (foreach over grid)", "→ yes: a | no: b (switch on choice)". */
export function transitionText(step: Step): string {
  const transition = step.transition;
  if (!transition) return step.kind === "end" ? "" : "→ (no transition)";
  const targets = transition.targets.map((t) => (t.label ? `${t.label}: ${t.step}` : t.step));
  if (transition.type === "foreach") return `→ ${targets.join(", ")} (foreach over ${transition.foreach?.name ?? "?"})`;
  if (transition.type === "switch") {
    const bound = transition.maxIterations === undefined ? "" : `, loops at most ${transition.maxIterations} times`;
    return `→ ${targets.join(" | ")} (switch on ${transition.condition?.name ?? "?"}${bound})`;
  }
  return `→ ${targets.join(", ")}`;
}

function decoratorText(step: Step): string {
  return step.decorators
    .map((d) => `@${d.name}${d.args.length ? `(${d.args.map((a) => JSON.stringify(a)).join(", ")})` : ""}`)
    .join(" ");
}

/** Pads each column to its widest cell; trailing empty cells leave no trailing spaces. */
function table(rows: string[][]): string[] {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd(),
  );
}
