/**
 * The artifact viewer inside the webview. It draws the view the host sends (a table with plots of
 * a number column, or an image) and keeps the user's sort and plotted column in the webview state,
 * so hiding and showing the panel brings them back. It talks to the host only through the typed
 * messages of ../messages, and sets every value as text.
 */
import type { SortingState } from "@tanstack/table-core";
import "./style.css";
import { factsText, plottableColumns, summaryText } from "../display";
import {
  isHostMessage,
  type ArtifactView,
  type ImageView,
  type TableView,
  type ViewerSource,
  type WebviewMessage,
} from "../messages";
import { ColumnPlots } from "./plots";
import { VirtualTable } from "./table";

/** What survives a hide and show of the panel. */
interface ViewerState {
  pathspec: string;
  /** Where the artifact is: the host reads it again when the panel is restored after a reload. */
  source: ViewerSource;
  sorting: SortingState;
  /** The plotted column's key. */
  plotted?: string;
}

const api = acquireVsCodeApi<ViewerState>();

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the viewer page lacks #${id}`);
  return element as T;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string) {
  const made = document.createElement(tag);
  made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

class Viewer {
  private state: ViewerState | undefined = api.getState();
  private shown = false;

  start(): void {
    window.addEventListener("message", (event: MessageEvent<unknown>) => {
      if (isHostMessage(event.data)) this.show(event.data.view, event.data.source);
    });
    this.post({ type: "ready" });
  }

  private show(view: ArtifactView, source: ViewerSource): void {
    // The host sends the same artifact again on every "ready"; it never changes in a panel.
    if (this.shown) return;
    this.shown = true;
    if (this.state?.pathspec !== view.pathspec) this.save({ pathspec: view.pathspec, source, sorting: [] });
    byId("pathspec").textContent = view.pathspec;
    byId("facts").textContent = factsText(view);
    byId("note").textContent = view.kind === "table" ? (view.note ?? "") : "";
    const content = byId("content");
    content.replaceChildren();
    if (view.kind === "image") this.showImage(content, view);
    else this.showTable(content, view);
  }

  private showImage(content: HTMLElement, view: ImageView): void {
    const figure = element("figure", "image");
    const image = element("img", "");
    image.alt = `${view.pathspec}, a ${view.format.toUpperCase()} image`;
    image.src = view.dataUrl;
    const caption = element("figcaption", "muted");
    image.addEventListener("load", () => {
      caption.textContent = `${image.naturalWidth} × ${image.naturalHeight} px`;
    });
    image.addEventListener("error", () => {
      caption.textContent = "The image cannot be decoded.";
      this.post({ type: "error", message: "the image could not be decoded" });
    });
    figure.append(image, caption);
    content.append(figure);
  }

  private showTable(content: HTMLElement, view: TableView): void {
    content.classList.add("is-table");
    const numeric = plottableColumns(view);
    if (numeric.length > 0) content.append(this.plotSection(view, numeric));
    const tableBox = element("section", "table-box");
    tableBox.setAttribute("aria-label", "Table");
    content.append(tableBox);
    if (view.columns.length === 0) {
      tableBox.append(
        element("p", "muted", view.rows.length === 0 ? "The array is empty." : "The records have no keys."),
      );
    }
    new VirtualTable(tableBox, view, this.state?.sorting ?? [], {
      sorted: (sorting) => this.save({ ...this.state!, sorting }),
    });
  }

  /** The column chooser, its summary line and its two plots. */
  private plotSection(view: TableView, numeric: number[]): HTMLElement {
    const section = element("section", "plots");
    section.setAttribute("aria-label", "Plots");
    const bar = element("div", "plot-bar");
    const label = element("label", "", "Plot column ");
    const select = element("select", "");
    for (const i of numeric) select.append(new Option(view.columns[i].key, String(i)));
    const remembered = numeric.find((i) => view.columns[i].key === this.state?.plotted);
    select.value = String(remembered ?? numeric[0]);
    label.append(select);
    const summary = element("span", "summary");
    summary.setAttribute("role", "status");
    bar.append(label, summary);
    const histogramBox = element("figure", "plot");
    const lineBox = element("figure", "plot");
    histogramBox.setAttribute("aria-label", "Histogram");
    lineBox.setAttribute("aria-label", "Values by row");
    const charts = element("div", "plot-row");
    charts.append(histogramBox, lineBox);
    section.append(bar, charts);
    const plots = new ColumnPlots(histogramBox, lineBox);
    const draw = () => {
      const i = Number(select.value);
      const column = view.columns[i];
      summary.textContent = column.summary ? summaryText(column.summary) : "";
      histogramBox.setAttribute("aria-label", `Histogram of ${column.key}`);
      lineBox.setAttribute("aria-label", `${column.key} by row number`);
      plots.draw(
        column,
        view.rows.map((row) => row[i]),
      );
      this.save({ ...this.state!, plotted: column.key });
    };
    select.addEventListener("change", draw);
    // Drawn once the section is in the page and has a width.
    requestAnimationFrame(draw);
    return section;
  }

  private save(state: ViewerState): void {
    this.state = state;
    api.setState(state);
  }

  private post(message: WebviewMessage): void {
    api.postMessage(message);
  }
}

try {
  new Viewer().start();
} catch (error) {
  api.postMessage({ type: "error", message: `the viewer failed to start: ${String(error)}` } satisfies WebviewMessage);
}
