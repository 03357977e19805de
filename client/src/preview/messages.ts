/**
 * THE contract between the extension host and the DAG preview webview: one discriminated union per
 * direction, plus the state the webview keeps across reloads. Both sides import this module, so a
 * message cannot change shape on one side only. It imports graph model TYPES only: the webview
 * bundle must not pull in anything else.
 */
import type { Diagnostic, FlowGraph } from "../../../runtime/src/graph/model";

/** A run's status as the client API reports it. */
export type RunStatusName = "running" | "succeeded" | "failed" | "unfinished";

/** A step's progress in a run, as its record stores it. */
export type StepProgressStatus = "pending" | "running" | "succeeded" | "failed";

/** One step of the latest run: its tasks and how long it took (or has taken so far). */
export interface StepRun {
  status: StepProgressStatus;
  total: number;
  done: number;
  failed: number;
  running: number;
  durationMs?: number;
  /** When its tasks run on a cluster: where they stand there and their names on it. */
  placement?: StepPlacement;
}

/**
 * A step's tasks on Kubernetes or Slurm: queued and running ones from the run's live events (for a
 * run launched from the editor), done ones from those events or from the task records (`ranOn`).
 */
export interface StepPlacement {
  executor: "kubernetes" | "slurm";
  queued: number;
  running: number;
  done: number;
  /** Pod names or Slurm job ids, in task order; for a finished step, the first few only. */
  where: string[];
}

/** How the views name an engine and what a task is on it: "Kubernetes" and "pod", "Slurm" and "job". */
export const ENGINE_WORDS: Record<StepPlacement["executor"], { name: string; task: string }> = {
  kubernetes: { name: "Kubernetes", task: "pod" },
  slurm: { name: "Slurm", task: "job" },
};

/** The latest run of a flow, reduced to what the nodes show. */
export interface RunOverlay {
  /** `FLOW/RUN`. */
  pathspec: string;
  status: RunStatusName;
  startedAt: string;
  durationMs?: number;
  /** The steps that have started, by name; a step that is absent has not run. */
  steps: Record<string, StepRun>;
  /** A run the user chose to see (from the runs explorer or a status lens), not the latest. */
  chosen?: boolean;
  /** For a resumed run: the run it cloned from and the step it ran again from. */
  origin?: { runId: string; step: string };
}

/**
 * What the preview draws: the last good graph of one flow and whether the file has moved on
 * without it (a syntax error, or the flow is gone from the file).
 */
export interface GraphView {
  uri: string;
  flow: string;
  /** The document version the view was made from. */
  version: number;
  /** The last good graph; null until the flow has been seen in a file that parses. */
  graph: FlowGraph | null;
  /** The diagnostics of that graph's flow (those with a `step` are drawn on its node). */
  diagnostics: Diagnostic[];
  /** True when the newest analysis could not replace the graph; `problems` says why. */
  stale: boolean;
  problems: Diagnostic[];
}

/** Messages the extension host posts to the webview. */
export type HostMessage =
  /** Which flow this preview shows: sent first, so the webview can keep it for a reload. */
  | { type: "init"; uri: string; flow: string }
  | { type: "graph"; view: GraphView }
  /**
   * The latest run in `namespace` (null: every user's), or the run the user chose; null when there
   * is none. `missing` names a chosen run that is no longer in the datastore.
   */
  | { type: "run"; run: RunOverlay | null; namespace: string | null; missing?: string }
  /** The step under the editor's cursor, or null. */
  | { type: "current"; step: string | null }
  /** The Export command asks the webview for its drawing; it answers with `exportSvg`. */
  | { type: "requestSvg" };

/** Messages the webview posts to the extension host. */
export type WebviewMessage =
  /** The webview has loaded and listens: the host (re)sends everything it has. */
  | { type: "ready" }
  /** A node was clicked or activated with the keyboard: reveal the step in the editor. */
  | { type: "reveal"; step: string }
  /** After a chosen run: show the flow's latest run again. */
  | { type: "showLatest" }
  /** The drawing as a standalone SVG document, to be saved where the user chooses. */
  | { type: "exportSvg"; svg: string }
  /** Something went wrong in the webview; the host logs it. */
  | { type: "error"; message: string };

/** What the webview keeps with `setState`: enough for the host to restore the panel after a reload. */
export interface PreviewState {
  uri: string;
  flow: string;
  /** The user's pan and zoom. */
  viewport?: Viewport;
  /** The run the user chose to see (`FLOW/RUN`), shown again after a reload; absent: the latest. */
  run?: string;
}

/** Pan (x, y in pixels) and zoom (k) of the drawing. */
export interface Viewport {
  x: number;
  y: number;
  k: number;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isString = (value: unknown): value is string => typeof value === "string";

/** True for a message the webview may send; anything else is ignored by the host. */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case "ready":
    case "showLatest":
      return true;
    case "reveal":
      return isString(value.step);
    case "exportSvg":
      return isString(value.svg);
    case "error":
      return isString(value.message);
    default:
      return false;
  }
}

/** True for a message the host may send; the webview ignores anything else. */
export function isHostMessage(value: unknown): value is HostMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case "init":
      return isString(value.uri) && isString(value.flow);
    case "graph":
      return isGraphView(value.view);
    case "run":
      return (
        (value.run === null || isRunOverlay(value.run)) &&
        (value.namespace === null || isString(value.namespace)) &&
        (value.missing === undefined || isString(value.missing))
      );
    case "current":
      return value.step === null || isString(value.step);
    case "requestSvg":
      return true;
    default:
      return false;
  }
}

function isGraphView(value: unknown): value is GraphView {
  return (
    isObject(value) &&
    isString(value.uri) &&
    isString(value.flow) &&
    typeof value.version === "number" &&
    (value.graph === null || (isObject(value.graph) && Array.isArray(value.graph.steps))) &&
    Array.isArray(value.diagnostics) &&
    typeof value.stale === "boolean" &&
    Array.isArray(value.problems)
  );
}

function isRunOverlay(value: unknown): value is RunOverlay {
  return (
    isObject(value) &&
    isString(value.pathspec) &&
    isString(value.status) &&
    isObject(value.steps) &&
    (value.chosen === undefined || typeof value.chosen === "boolean")
  );
}

/** True for a state a webview saved: what the panel serializer restores a preview from. */
export function isPreviewState(value: unknown): value is PreviewState {
  return (
    isObject(value) &&
    isString(value.uri) &&
    isString(value.flow) &&
    (value.viewport === undefined || isViewport(value.viewport)) &&
    (value.run === undefined || isString(value.run))
  );
}

/** What a `run` message leaves for the state to keep: the chosen run's pathspec, none for the latest. */
export function chosenRunOf(message: HostMessage & { type: "run" }): string | undefined {
  return message.run?.chosen ? message.run.pathspec : undefined;
}

function isViewport(value: unknown): value is Viewport {
  return (
    isObject(value) &&
    [value.x, value.y, value.k].every((n) => typeof n === "number" && Number.isFinite(n)) &&
    (value.k as number) > 0
  );
}
