/**
 * The text around the drawing: the run summary in the toolbar, the banner that says the graph is
 * stale (or lists the flow's own problems) and the empty-state line. All of it set as textContent.
 */
import type { Diagnostic } from "../../../../runtime/src/graph/model";
import type { GraphView, RunOverlay } from "../messages";
import { formatDuration } from "../../../../runtime/src/format/duration";

/** The page's elements around the drawing. */
export interface ChromeElements {
  runSummary: HTMLElement;
  /** "Latest Run": shown while a chosen run (or its absence) is on the drawing. */
  showLatest: HTMLElement;
  banner: HTMLElement;
  bannerTitle: HTMLElement;
  problems: HTMLUListElement;
  empty: HTMLElement;
}

const RUN_ICONS: Record<RunOverlay["status"], string> = {
  succeeded: "✓",
  failed: "✗",
  running: "▸",
  unfinished: "■",
};

/**
 * `Latest run ForeachFlow/1712: ✓ succeeded · 2.1 s` (`Run …` for a chosen run), or why there is
 * none: no run yet, or the chosen run `missing` is gone.
 */
export function runSummaryText(run: RunOverlay | null, namespace: string | null, missing?: string): string {
  if (!run && missing) return `Run ${missing} is no longer in the datastore`;
  if (!run) return namespace === null ? "No run yet" : `No run yet in ${namespace}`;
  const time = run.durationMs === undefined ? "" : ` · ${formatDuration(run.durationMs)}`;
  return `${run.chosen ? "Run" : "Latest run"} ${run.pathspec}: ${RUN_ICONS[run.status]} ${run.status}${time}`;
}

/** Shows the run summary in the toolbar; `data-status` carries the run's status for styling. */
export function showRunSummary(
  elements: ChromeElements,
  run: RunOverlay | null,
  namespace: string | null,
  missing?: string,
): void {
  elements.runSummary.textContent = runSummaryText(run, namespace, missing);
  elements.runSummary.dataset.status = run?.status ?? "none";
  elements.showLatest.hidden = !offersLatest(run, missing);
}

/** Whether the preview shows a run the user chose (or says it is gone): then it offers the latest. */
export function offersLatest(run: RunOverlay | null, missing?: string): boolean {
  return run?.chosen === true || missing !== undefined;
}

/**
 * The banner: when the view is stale, why (the file's syntax errors, or the flow is gone); else
 * the flow's problems that belong to no node on the drawing.
 */
export function showBanner(elements: ChromeElements, view: GraphView, drawn: Set<string>): void {
  const loose = view.diagnostics.filter((d) => d.severity !== "info" && (d.step === undefined || !drawn.has(d.step)));
  const listed = view.stale ? view.problems : loose;
  elements.banner.hidden = listed.length === 0 && !view.stale;
  elements.banner.classList.toggle("is-stale", view.stale);
  elements.bannerTitle.textContent = view.stale
    ? view.graph
      ? "Not up to date: the file has errors. Showing the last good graph."
      : "No graph yet: the file has errors."
    : `Problems in ${view.flow}:`;
  elements.problems.replaceChildren(...listed.map(problemItem));
  elements.empty.hidden = view.graph !== null && view.graph.steps.length > 0;
  elements.empty.textContent = view.graph ? `${view.flow} has no steps yet.` : `${view.flow}: no graph to show yet.`;
}

function problemItem(diagnostic: Diagnostic): HTMLLIElement {
  const item = document.createElement("li");
  item.className = `problem severity-${diagnostic.severity}`;
  item.dataset.code = diagnostic.code;
  item.textContent = `Line ${diagnostic.range.start.line + 1}: ${diagnostic.message}`;
  return item;
}
