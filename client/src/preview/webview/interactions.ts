/**
 * What the user does to the drawing: drag to pan, wheel or +/- to zoom, 0 or "Fit" to fit, click
 * or Enter on a node to reveal its step, Tab and the arrow keys to move between nodes.
 */
import type { Viewport } from "../messages";
import { neighbor, type Direction, type Layout } from "./layout";
import { panBy, zoomAt } from "./viewport";

/** What the interactions act on: the preview's state, behind a narrow interface. */
export interface Controls {
  viewport(): Viewport;
  setViewport(viewport: Viewport): void;
  fit(): void;
  exportSvg(): void;
  /** Back from a chosen run to the flow's latest. */
  showLatest(): void;
  reveal(step: string): void;
  layout(): Layout | undefined;
  /** Moves the keyboard focus to a node, panning it into view. */
  focusStep(step: string): void;
  /** A node got the focus (by Tab or click): pan it into view. */
  focused(step: string): void;
}

const ZOOM_STEP = 1.25;
const PAN_STEP = 40;
/** A press that moves less than this is a click, not a drag. */
const DRAG_THRESHOLD = 4;

const ARROWS: Record<string, Direction> = { ArrowUp: "up", ArrowDown: "down", ArrowLeft: "left", ArrowRight: "right" };

/** The step of the node an event happened in; ghost nodes of missing steps have none to reveal. */
function stepOf(target: EventTarget | null): string | undefined {
  const node = target instanceof Element ? target.closest<SVGGElement>("g[data-step]") : null;
  return node && !node.classList.contains("is-missing") ? (node.dataset.step ?? undefined) : undefined;
}

export function attachInteractions(svg: SVGSVGElement, toolbar: HTMLElement, controls: Controls): void {
  attachPointer(svg, controls);
  attachKeyboard(svg, controls);
  svg.addEventListener("focusin", (event) => {
    const step = stepOf(event.target);
    if (step) controls.focused(step);
  });
  toolbar.addEventListener("click", (event) => {
    const button =
      event.target instanceof Element ? event.target.closest<HTMLButtonElement>("button[data-action]") : null;
    if (button) act(button.dataset.action, svg, controls);
  });
}

function act(action: string | undefined, svg: SVGSVGElement, controls: Controls): void {
  const centre = () => [svg.clientWidth / 2, svg.clientHeight / 2] as const;
  if (action === "zoom-in") controls.setViewport(zoomAt(controls.viewport(), ZOOM_STEP, ...centre()));
  else if (action === "zoom-out") controls.setViewport(zoomAt(controls.viewport(), 1 / ZOOM_STEP, ...centre()));
  else if (action === "fit") controls.fit();
  else if (action === "export") controls.exportSvg();
  else if (action === "latest") controls.showLatest();
}

function attachPointer(svg: SVGSVGElement, controls: Controls): void {
  let drag: { id: number; x: number; y: number; start: Viewport; moved: boolean; step?: string } | undefined;
  svg.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    const step = stepOf(event.target);
    drag = { id: event.pointerId, x: event.clientX, y: event.clientY, start: controls.viewport(), moved: false, step };
  });
  svg.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.id) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
    if (!drag.moved) {
      drag.moved = true;
      svg.setPointerCapture(event.pointerId);
      svg.classList.add("is-panning");
    }
    controls.setViewport(panBy(drag.start, dx, dy));
  });
  const end = (event: PointerEvent, click: boolean) => {
    if (!drag || event.pointerId !== drag.id) return;
    if (click && !drag.moved && drag.step) controls.reveal(drag.step);
    drag = undefined;
    svg.classList.remove("is-panning");
  };
  svg.addEventListener("pointerup", (event) => end(event, true));
  svg.addEventListener("pointercancel", (event) => end(event, false));
  svg.addEventListener(
    "wheel",
    (event) => {
      event.preventDefault();
      const box = svg.getBoundingClientRect();
      const perPixel = event.deltaMode === WheelEvent.DOM_DELTA_LINE ? 0.05 : 0.002;
      const factor = Math.exp(-event.deltaY * perPixel);
      controls.setViewport(zoomAt(controls.viewport(), factor, event.clientX - box.left, event.clientY - box.top));
    },
    { passive: false },
  );
}

function attachKeyboard(svg: SVGSVGElement, controls: Controls): void {
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target instanceof HTMLButtonElement) return;
    const step = stepOf(event.target);
    const direction = ARROWS[event.key];
    if (step && (event.key === "Enter" || event.key === " ")) {
      controls.reveal(step);
    } else if (direction) {
      const layout = controls.layout();
      const next = step && layout ? neighbor(layout, step, direction) : undefined;
      if (next) controls.focusStep(next);
      else if (!step) controls.setViewport(panArrow(controls.viewport(), direction));
    } else if (event.key === "Home" || event.key === "End") {
      const nodes = controls.layout()?.nodes ?? [];
      const node = event.key === "Home" ? nodes[0] : nodes[nodes.length - 1];
      if (node) controls.focusStep(node.step);
    } else if (event.key === "+" || event.key === "=") {
      act("zoom-in", svg, controls);
    } else if (event.key === "-" || event.key === "_") {
      act("zoom-out", svg, controls);
    } else if (event.key === "0") {
      controls.fit();
    } else {
      return;
    }
    event.preventDefault();
  });
}

function panArrow(viewport: Viewport, direction: Direction): Viewport {
  const [dx, dy] = { up: [0, PAN_STEP], down: [0, -PAN_STEP], left: [PAN_STEP, 0], right: [-PAN_STEP, 0] }[direction];
  return panBy(viewport, dx, dy);
}
