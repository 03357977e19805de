/**
 * Hover: what a step, artifact or parameter is in the flow, from the cached analysis. TypeScript
 * already shows types on hover; this adds what only the graph knows (where a step comes from and
 * goes to, which steps set and read an artifact).
 */
import {
  isExpressionValue,
  type FileAnalysis,
  type FlowGraph,
  type JsonValue,
  type SourcePosition,
  type Step,
} from "../../../runtime/src/graph/model";
import { contains, toHover } from "../convert";
import { DECORATOR_DOCS, type DecoratorDoc } from "../decorator-docs";
import { lineReader } from "../text-at";
import {
  artifactFacts,
  flowAt,
  locate,
  stepAt,
  type ArtifactTarget,
  type Located,
  type ParameterTarget,
  type StepTarget,
} from "../locate";
import type { Feature } from "../server";

export const hoverFeature: Feature = {
  capabilities: { hoverProvider: true },
  register(context) {
    context.connection.onHover((params) => {
      const document = context.documents.get(params.textDocument.uri);
      if (!document) return null;
      const analysis = context.cache.get(document).analysis;
      const target = locate(analysis, params.position, lineReader(document));
      if (target) return toHover(hoverText(target), target.range);
      const decorator = decoratorAt(analysis, params.position);
      return decorator ? toHover(decoratorHover(decorator.doc), decorator.range) : null;
    });
  },
};

/** The TSFlow decorator of a step at `position` (on its name or arguments), with what it means. */
function decoratorAt(analysis: FileAnalysis | undefined, position: SourcePosition) {
  const flow = flowAt(analysis, position);
  const decorator = flow && stepAt(flow, position)?.decorators.find((d) => contains(d.range, position));
  const doc = decorator && DECORATOR_DOCS.find((d) => d.name === decorator.name);
  return doc && decorator ? { doc, range: decorator.range } : undefined;
}

/** `@slurm({ partition, ... })` and its sentence. */
export function decoratorHover(doc: DecoratorDoc): string {
  return markdown(`**${code(doc.signature)}** — TSFlow step decorator`, doc.doc, []);
}

/** The markdown shown for a located step, artifact or parameter. */
export function hoverText(target: Located): string {
  if (target.kind === "step") return stepHover(target);
  if (target.kind === "artifact") return artifactHover(target);
  return parameterHover(target);
}

function stepHover({ name, step, flow }: StepTarget): string {
  if (!step) return `${code(name)} is not a step of ${code(flow.name)}`;
  const lines = [
    origin(flow, step),
    departure(step),
    step.decorators.length > 0
      ? `decorators: ${step.decorators.map((d) => code(decoratorText(d))).join(", ")}`
      : undefined,
  ];
  return markdown(`**${code(step.name)}** — ${step.kind} step of ${code(flow.name)}`, step.doc, lines);
}

/** Where the step is reached from; undefined for `start`, which nothing may reach. */
function origin(flow: FlowGraph, step: Step): string | undefined {
  if (step.previous.length > 0)
    return `from: ${step.previous.map((from) => arrival(flow, from, step.name)).join(", ")}`;
  return step.name === "start" ? undefined : "from: no step yet";
}

/** How a transition from `from` reaches `to`: plain, once per element, or for one switch case. */
function arrival(flow: FlowGraph, from: string, to: string): string {
  const transition = flow.steps.find((s) => s.name === from)?.transition;
  if (transition?.foreach) return `${code(from)} (one task per element of ${code(transition.foreach.name)})`;
  const label = transition?.targets.find((t) => t.step === to)?.label;
  if (transition?.condition && label !== undefined) {
    return `${code(from)} (when ${code(transition.condition.name)} is ${code(JSON.stringify(label))})`;
  }
  return code(from);
}

/** Where the step goes, in the words of its transition type; undefined for `end`. */
function departure(step: Step): string | undefined {
  const transition = step.transition;
  if (!transition) return step.name === "end" ? undefined : "to: no `this.next(...)` yet";
  const targets = transition.targets.map((t) => code(t.step)).join(", ");
  switch (transition.type) {
    case "split":
      return `to: ${targets} (static branch)`;
    case "foreach":
      return `to: ${targets} (one task per element of ${code(transition.foreach?.name ?? "?")})`;
    case "switch": {
      const cases = transition.targets.map((t) => `${code(JSON.stringify(t.label))} → ${code(t.step)}`).join(", ");
      return `to: ${cases} (picked by ${code(transition.condition?.name ?? "?")})`;
    }
    default:
      return `to: ${targets}`;
  }
}

function artifactHover({ name, flow }: ArtifactTarget): string {
  const facts = artifactFacts(flow, name);
  const type = facts.declaration?.type;
  const assigners = facts.assigners.map((a) => code(a.step.name) + (a.byCatchError ? " (by `@catchError`)" : ""));
  const lines = [
    `assigned in: ${assigners.length > 0 ? assigners.join(", ") : "no step"}`,
    stepList("read in", facts.readers),
    stepList("foreach over it in", facts.foreachIn),
    stepList("switch on it in", facts.conditionIn),
  ];
  const declared = type ? `: ${code(type)}` : facts.declaration ? "" : " (not declared as a field)";
  return markdown(`**${code(name)}** — artifact of ${code(flow.name)}${declared}`, undefined, lines);
}

function parameterHover({ parameter, flow }: ParameterTarget): string {
  const readers = flow.steps.filter((s) => s.reads.some((u) => u.name === parameter.name));
  const value = parameter.computedDefault
    ? `, default computed at run time: ${code(parameter.defaultText ?? "")}`
    : parameter.default !== undefined
      ? `, default ${code(formatValue(parameter.default))}`
      : parameter.defaultText !== undefined
        ? `, default ${code(parameter.defaultText)}`
        : "";
  const headline = `**${code(parameter.name)}** — parameter of ${code(flow.name)}: ${code(parameter.type)}${value}${parameter.required ? ", required" : ""}`;
  const lines = [`set with ${code(`--${parameter.name} VALUE`)}`, stepList("read in", readers)];
  return markdown(headline, parameter.help === undefined ? undefined : escapeMarkdown(parameter.help), lines);
}

function stepList(label: string, steps: Step[]): string | undefined {
  return steps.length > 0 ? `${label}: ${steps.map((s) => code(s.name)).join(", ")}` : undefined;
}

/** A headline, an optional paragraph, then one bullet per present line. */
function markdown(headline: string, paragraph: string | undefined, lines: Array<string | undefined>): string {
  const bullets = lines.filter((l): l is string => l !== undefined).map((l) => `- ${l}`);
  return [headline, paragraph, bullets.length > 0 ? bullets.join("\n") : undefined]
    .filter((part) => part !== undefined)
    .join("\n\n");
}

/** `@retry({ times: 2 })`, rebuilt from the analyzer's literal arguments. */
export function decoratorText(decorator: Step["decorators"][number]): string {
  return decorator.args.length === 0
    ? `@${decorator.name}`
    : `@${decorator.name}(${decorator.args.map(formatValue).join(", ")})`;
}

/** A literal as TypeScript source: `{ times: 2 }`, `"err"`; a non-literal as it was written. */
function formatValue(value: JsonValue): string {
  if (isExpressionValue(value)) return value.$expr;
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(
      ([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${formatValue(v)}`,
    );
    return entries.length > 0 ? `{ ${entries.join(", ")} }` : "{}";
  }
  return JSON.stringify(value);
}

/** An inline code span that survives backticks in its text (a template literal type, say). */
function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Help text is plain prose: keep `*`, `_` and friends from turning into markup. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>#|]/g, "\\$&");
}
