/**
 * The DAG preview inside the webview. It holds the last graph, run and cursor step the host sent,
 * lays the graph out and draws it, and keeps the user's pan and zoom in the webview state, so
 * neither a redraw nor a reload of the window resets them. It talks to the host only through the
 * typed messages of ../messages.
 */
import "./style.css";
import {
  chosenRunOf,
  isHostMessage,
  isPreviewState,
  type GraphView,
  type HostMessage,
  type PreviewState,
  type RunOverlay,
  type Viewport,
  type WebviewMessage,
} from "../messages";
import { showBanner, showRunSummary, type ChromeElements } from "./chrome";
import { exportSvg } from "./export-svg";
import { attachInteractions } from "./interactions";
import { buildLayout, type Layout } from "./layout";
import { DagRenderer } from "./render";
import { fit, IDENTITY, reveal, transformOf } from "./viewport";

const api = acquireVsCodeApi<PreviewState>();

function byId<T extends Element>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the preview page lacks #${id}`);
  return element as unknown as T;
}

class Preview {
  private readonly svg = byId<SVGSVGElement>("dag");
  private readonly viewportGroup = byId<SVGGElement>("viewport");
  private readonly renderer = new DagRenderer(byId<SVGGElement>("nodes"), byId<SVGGElement>("edges"));
  private readonly chrome: ChromeElements = {
    runSummary: byId("run-summary"),
    showLatest: byId("show-latest"),
    banner: byId("banner"),
    bannerTitle: byId("banner-title"),
    problems: byId("problems"),
    empty: byId("empty"),
  };
  private state: PreviewState | undefined = api.getState();
  private view: GraphView | undefined;
  private run: RunOverlay | null = null;
  private namespace: string | null = null;
  private layout: Layout | undefined;
  private viewport: Viewport = this.state?.viewport ?? IDENTITY;
  /** Fit once when the first graph arrives, unless the state brought the user's own view back. */
  private fitted = this.state?.viewport !== undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  start(): void {
    this.applyViewport();
    attachInteractions(this.svg, byId("toolbar"), {
      viewport: () => this.viewport,
      setViewport: (v) => this.setViewport(v),
      fit: () => this.fit(),
      exportSvg: () => this.post({ type: "exportSvg", svg: this.svgText() }),
      showLatest: () => this.post({ type: "showLatest" }),
      reveal: (step) => this.post({ type: "reveal", step }),
      layout: () => this.layout,
      focusStep: (step) => this.renderer.element(step)?.focus(),
      focused: (step) => this.bringIntoView(step),
    });
    window.addEventListener("message", (event: MessageEvent<unknown>) => {
      if (isHostMessage(event.data)) this.handle(event.data);
    });
    window.addEventListener("resize", () => {
      if (!this.fitted) this.redraw();
    });
    this.post({ type: "ready" });
  }

  private handle(message: HostMessage): void {
    switch (message.type) {
      case "init":
        byId("flow-name").textContent = message.flow;
        this.svg.setAttribute("aria-label", `The steps of ${message.flow}`);
        this.keep({ uri: message.uri, flow: message.flow });
        return;
      case "graph":
        this.view = message.view;
        return this.redraw();
      case "run":
        this.run = message.run;
        this.namespace = message.namespace;
        this.keep({ run: chosenRunOf(message) });
        showRunSummary(this.chrome, this.run, this.namespace, message.missing);
        return this.redraw();
      case "current":
        return this.renderer.setCurrent(message.step);
      case "requestSvg":
        return this.post({ type: "exportSvg", svg: this.svgText() });
    }
  }

  private redraw(): void {
    const view = this.view;
    if (!view) return;
    try {
      this.layout = view.graph ? buildLayout(view.graph, view.diagnostics, this.run) : undefined;
      this.renderer.render(this.layout ?? { nodes: [], edges: [], width: 0, height: 0 });
    } catch (error) {
      this.post({ type: "error", message: `drawing ${view.flow} failed: ${String(error)}` });
    }
    document.body.dataset.stale = String(view.stale);
    this.svg.classList.toggle("is-stale", view.stale);
    showBanner(this.chrome, view, new Set(this.layout?.nodes.map((n) => n.step)));
    if (!this.fitted && this.layout && this.layout.nodes.length > 0) this.fit();
  }

  private fit(): void {
    if (!this.layout) return;
    this.fitted = true;
    this.setViewport(fit(this.layout, { width: this.svg.clientWidth, height: this.svg.clientHeight }));
  }

  private bringIntoView(step: string): void {
    const node = this.layout?.nodes.find((n) => n.step === step);
    if (node)
      this.setViewport(reveal(this.viewport, node, { width: this.svg.clientWidth, height: this.svg.clientHeight }));
  }

  private setViewport(viewport: Viewport): void {
    if (viewport === this.viewport) return;
    this.viewport = viewport;
    this.fitted = true;
    this.applyViewport();
    // Saved once the gesture settles: setState on every wheel tick is wasted work.
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.keep({ viewport: this.viewport }), 200);
  }

  /** Saves `fields` in the webview state, once `init` has named the flow (a reload restores from it). */
  private keep(fields: Partial<PreviewState>): void {
    const next = { ...this.state, ...fields };
    if (!isPreviewState(next)) return;
    this.state = next;
    api.setState(next);
  }

  private applyViewport(): void {
    this.viewportGroup.setAttribute("transform", transformOf(this.viewport));
    // Exposed for tests and tools that check the view survived a redraw.
    this.svg.dataset.x = String(Math.round(this.viewport.x));
    this.svg.dataset.y = String(Math.round(this.viewport.y));
    this.svg.dataset.k = this.viewport.k.toFixed(3);
  }

  private svgText(): string {
    return exportSvg(this.svg, this.viewportGroup, this.layout ?? { width: 0, height: 0 });
  }

  private post(message: WebviewMessage): void {
    api.postMessage(message);
  }
}

try {
  new Preview().start();
} catch (error) {
  api.postMessage({ type: "error", message: `the preview failed to start: ${String(error)}` } satisfies WebviewMessage);
}
