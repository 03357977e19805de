/**
 * The graph as the preview draws it, before layout: one node per step (and a ghost per missing
 * target), one edge per transition target, each with the texts, badges and CSS classes it shows.
 * Pure: it reads the graph, its diagnostics and the latest run, and knows nothing of the DOM.
 */
import type { Diagnostic, FlowGraph, JsonValue, Severity, Step, StepKind } from "../../../../runtime/src/graph/model";
import { ENGINE_WORDS, type RunOverlay, type StepPlacement, type StepRun } from "../messages";
import { formatDuration } from "../../../../runtime/src/format/duration";

/** A step's status in the latest run; `pending` while the run goes on but has not reached it. */
export type StepStatus = "succeeded" | "failed" | "running" | "pending" | "unfinished" | "not-run";

export type NodeShape = "pill" | "rect" | "hexagon" | "ghost";

/** One node: a step, or a ghost for a target that names no step. */
export interface NodeView {
  step: string;
  /** The step's kind; `missing` for a target that names no step. */
  kind: StepKind | "missing";
  shape: NodeShape;
  /** Drawn as a stack of cards: the step fans out over a foreach. */
  stacked: boolean;
  /** What the step does to the flow: `foreach grid · 3 tasks`, `switch on mode`, `split`, `join`. */
  role?: string;
  /** Decorators, as `@retry`. */
  badges: string[];
  /** Absent when the flow has no run to show. */
  status?: { name: StepStatus; text: string };
  /** The worst diagnostic on the step. */
  severity?: Severity;
  /** Everything about the step as lines of text, for the hover. */
  tooltip: string;
  classes: string[];
  width: number;
  height: number;
}

/** One transition target: an arrow from `from` to `to`. */
export interface EdgeView {
  id: string;
  from: string;
  to: string;
  /** A switch case's label. */
  label?: string;
  classes: string[];
}

export interface GraphModel {
  nodes: NodeView[];
  edges: EdgeView[];
}

// Text is measured by estimate, so the layout is the same in a test as in the webview; the sizes
// leave room for the widest status line, so a run's progress never moves a node.
export const LINE_HEIGHT = 18;
const PAD_X = 12;
export const PAD_Y = 8;
const NAME_CHAR = 8;
const TEXT_CHAR = 6.8;
const STATUS_WIDTH = 132;
const MIN_WIDTH = 140;
const MAX_WIDTH = 360;
const BADGE_GAP = 4;

/** The width of one decorator badge. */
export function badgeWidth(text: string): number {
  return Math.ceil(text.length * 6.2 + 10);
}

/** The width of a row of badges, gaps included. */
export function badgesWidth(badges: string[]): number {
  return badges.reduce((sum, b) => sum + badgeWidth(b), 0) + BADGE_GAP * Math.max(0, badges.length - 1);
}

/** The model of `graph` with its diagnostics and, when there is one, the latest run overlaid. */
export function graphModel(graph: FlowGraph, diagnostics: Diagnostic[], run: RunOverlay | null): GraphModel {
  const names = new Set(graph.steps.map((s) => s.name));
  const cloned = clonedSteps(graph, run);
  const nodes = graph.steps.map((step) => stepNode(step, diagnostics, run, cloned.has(step.name)));
  const edges: EdgeView[] = [];
  const missing = new Set<string>();
  for (const step of graph.steps) {
    edges.push(...stepEdges(step, names, run));
    for (const target of step.next) if (!names.has(target)) missing.add(target);
  }
  for (const name of missing) nodes.push(ghostNode(name));
  return { nodes, edges };
}

/**
 * The steps a resumed run cloned from its origin rather than ran: those its resume step does not
 * lead to (resume runs that step and everything after it again). Empty for a run not resumed.
 */
export function clonedSteps(graph: FlowGraph, run: RunOverlay | null): Set<string> {
  const origin = run?.origin;
  if (!origin) return new Set();
  const next = new Map(graph.steps.map((s) => [s.name, s.next]));
  const rerun = new Set<string>();
  const visit = (name: string) => {
    if (rerun.has(name)) return;
    rerun.add(name);
    for (const target of next.get(name) ?? []) visit(target);
  };
  visit(origin.step);
  return new Set(graph.steps.map((s) => s.name).filter((name) => !rerun.has(name) && run.steps[name]?.total));
}

function stepNode(step: Step, diagnostics: Diagnostic[], run: RunOverlay | null, cloned = false): NodeView {
  const own = diagnostics.filter((d) => d.step === step.name);
  const severity = worst(own);
  const role = roleOf(step, run);
  const badges = step.decorators.map((d) => `@${d.name}`);
  const ran = run ? statusOf(step.name, run) : undefined;
  const clonedFrom = cloned && run?.origin ? run.origin.runId : undefined;
  const status = ran && clonedFrom ? { ...ran, text: `✓ cloned from ${clonedFrom}` } : ran;
  const shape = shapeOf(step);
  const stacked = step.transition?.type === "foreach";
  const classes = ["node", `kind-${step.kind}`, `shape-${shape}`];
  if (step.transition && step.transition.type !== "linear") classes.push(`branch-${step.transition.type}`);
  if (severity) classes.push(`has-${severity}`);
  if (status) classes.push(`status-${status.name}`);
  if (clonedFrom) classes.push("is-cloned");
  const placement = run?.steps[step.name]?.placement;
  if (placement) classes.push(`on-${placement.executor}`);
  const tooltip = [
    `${step.name} (${step.kind} step)`,
    step.doc,
    role,
    ...step.decorators.map((d) => `@${d.name}${d.args.length ? `(${d.args.map(argText).join(", ")})` : ""}`),
    status && `${run!.chosen ? "Run" : "Latest run"} ${run!.pathspec}: ${status.text}`,
    ...(placement ? placementLines(placement) : []),
    clonedFrom && `resumed from run ${clonedFrom}: this step's tasks were cloned from it, not run`,
    ...own.map((d) => `${d.severity}: ${d.message}`),
  ].filter((line): line is string => Boolean(line));
  return {
    step: step.name,
    kind: step.kind,
    shape,
    stacked,
    role,
    badges,
    status,
    severity,
    tooltip: tooltip.join("\n"),
    classes,
    ...sizeOf(step.name, role, badges, shape, stacked, clonedFrom ? status?.text : undefined),
  };
}

function ghostNode(name: string): NodeView {
  const tooltip = `${name}: no step of this flow has this name`;
  return {
    step: name,
    kind: "missing",
    shape: "ghost",
    stacked: false,
    badges: [],
    tooltip,
    classes: ["node", "kind-missing", "shape-ghost", "is-missing"],
    ...sizeOf(name, undefined, [], "ghost", false),
  };
}

function stepEdges(step: Step, names: Set<string>, run: RunOverlay | null): EdgeView[] {
  const type = step.transition?.type ?? "linear";
  const targets = step.transition?.targets ?? step.next.map((name) => ({ step: name, label: undefined }));
  return targets.map((target, index) => {
    const classes = ["edge", `edge-${type}`];
    if (!names.has(target.step)) classes.push("is-missing");
    if (target.label !== undefined) classes.push("has-label");
    if (run && hasRun(run.steps[step.name]) && hasRun(run.steps[target.step])) classes.push("edge-ran");
    const edge: EdgeView = { id: `${step.name}->${target.step}#${index}`, from: step.name, to: target.step, classes };
    if (target.label !== undefined) edge.label = target.label;
    return edge;
  });
}

const hasRun = (progress: StepRun | undefined) => progress !== undefined && progress.total > 0;

/** Start and end are pills, a switch a hexagon, the rest rectangles; a foreach is stacked (see `stacked`). */
function shapeOf(step: Step): NodeShape {
  if (step.kind === "start" || step.kind === "end") return "pill";
  return step.transition?.type === "switch" ? "hexagon" : "rect";
}

/** What the step does to the flow, in a few words; a join that branches again says both. */
function roleOf(step: Step, run: RunOverlay | null): string | undefined {
  const parts: string[] = [];
  if (step.kind === "join") parts.push("join");
  const transition = step.transition;
  if (transition?.type === "foreach") {
    const tasks = transition.targets.map((t) => run?.steps[t.step]?.total).find((n) => n !== undefined);
    parts.push(`foreach ${transition.foreach?.name ?? "?"}${tasks === undefined ? "" : ` · ${plural(tasks, "task")}`}`);
  } else if (transition?.type === "switch") {
    parts.push(`switch on ${transition.condition?.name ?? "?"}`);
  } else if (transition?.type === "split") {
    parts.push(`split ×${transition.targets.length}`);
  }
  return parts.length ? parts.join(" · ") : undefined;
}

/** The step's line in the overlay: `✓ 3 tasks · 1.2 s`, `✗ failed 1/3`, `▸ running 2/4`, `not run`. */
export function statusOf(name: string, run: RunOverlay): { name: StepStatus; text: string } {
  const progress = run.steps[name];
  if (!progress || progress.total === 0) {
    return run.status === "running" ? { name: "pending", text: "○ pending" } : { name: "not-run", text: "not run" };
  }
  const time = progress.durationMs === undefined ? "" : ` · ${formatDuration(progress.durationMs)}`;
  const counts = `${progress.done}/${progress.total}`;
  const placed = progress.placement;
  const waiting = placed && run.status === "running" && placed.queued > 0;
  switch (progress.status) {
    case "succeeded":
      return { name: "succeeded", text: `✓ ${plural(progress.done, "task")}${time}` };
    case "failed":
      return {
        name: "failed",
        text: `✗ failed${progress.total > 1 ? ` ${progress.failed}/${progress.total}` : ""}${time}`,
      };
    default:
      if (waiting && placed.running === 0) return { name: "running", text: `◷ queued ${counts}${time}` };
      if (waiting) return { name: "running", text: `▸ running ${counts} · ${placed.queued} queued` };
      return run.status === "running"
        ? { name: "running", text: `▸ running ${counts}${time}` }
        : { name: "unfinished", text: `■ unfinished ${counts}` };
  }
}

/** Most names a tooltip lists; a foreach's others are counted. */
const NAMES_SHOWN = 5;

/** `on Slurm: 2 running, 1 queued, 3 done` and `jobs: 1234_0, 1234_1`: for the node's tooltip. */
function placementLines(placement: StepPlacement): string[] {
  const words = ENGINE_WORDS[placement.executor];
  const states = (["running", "queued", "done"] as const)
    .filter((state) => placement[state] > 0)
    .map((state) => `${placement[state]} ${state}`);
  const lines = [`on ${words.name}${states.length > 0 ? `: ${states.join(", ")}` : ""}`];
  const names = placement.where;
  if (names.length > 0) {
    const noun = words.task;
    const more = names.length > NAMES_SHOWN ? `, … (${names.length - NAMES_SHOWN} more)` : "";
    lines.push(`${names.length === 1 ? noun : `${noun}s`}: ${names.slice(0, NAMES_SHOWN).join(", ")}${more}`);
  }
  return lines;
}

function worst(diagnostics: Diagnostic[]): Severity | undefined {
  for (const severity of ["error", "warning", "info"] as const) {
    if (diagnostics.some((d) => d.severity === severity)) return severity;
  }
  return undefined;
}

/** The node's size: its widest line, with room for a status line whether or not a run shows. */
function sizeOf(
  name: string,
  role: string | undefined,
  badges: string[],
  shape: NodeShape,
  stacked: boolean,
  /** A status line longer than the usual ones (a cloned step's), which the node must hold. */
  longStatus = "",
) {
  const rows = 2 + (role ? 1 : 0) + (badges.length ? 1 : 0);
  const content = Math.max(
    name.length * NAME_CHAR + 18,
    (role?.length ?? 0) * TEXT_CHAR,
    badgesWidth(badges),
    STATUS_WIDTH,
    longStatus.length * TEXT_CHAR,
  );
  // A hexagon's slanted sides and a stack's offset cards take some of the width.
  const extra = (shape === "hexagon" ? 28 : 0) + (stacked ? 6 : 0);
  const width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.ceil(content + 2 * PAD_X + extra)));
  return { width, height: rows * LINE_HEIGHT + 2 * PAD_Y + (stacked ? 6 : 0) };
}

function argText(value: JsonValue): string {
  if (typeof value === "object" && value !== null && !Array.isArray(value) && typeof value.$expr === "string")
    return value.$expr;
  return JSON.stringify(value);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
