/**
 * Draws a layout into the SVG, keyed by step: a node's element lives as long as its step, so a
 * redraw while the user types moves and updates nodes in place (no flicker, focus kept), and only
 * nodes whose content changed are rebuilt. Every value goes in as text (textContent, attributes).
 */
import { labelWidth, type Layout, type PositionedEdge, type PositionedNode } from "./layout";
import { badgeWidth, badgesWidth, LINE_HEIGHT, PAD_Y } from "./model";

const SVG = "http://www.w3.org/2000/svg";

type Attributes = Record<string, string | number>;

function svg<K extends keyof SVGElementTagNameMap>(
  name: K,
  attributes: Attributes = {},
  text?: string,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

interface Drawn {
  element: SVGGElement;
  /** The content last drawn, to skip rebuilding what did not change. */
  signature: string;
}

/** The drawing in the SVG: nodes and edges, kept in step with the last layout rendered. */
export class DagRenderer {
  private readonly nodes = new Map<string, Drawn>();
  private readonly edges = new Map<string, Drawn>();
  private current: string | null = null;

  constructor(
    private readonly nodeLayer: SVGGElement,
    private readonly edgeLayer: SVGGElement,
  ) {}

  render(layout: Layout): void {
    reconcile(
      this.edges,
      this.edgeLayer,
      layout.edges,
      (e) => e.id,
      (e) => JSON.stringify(e),
      drawEdge,
      () => svg("g"),
    );
    // A node's position is its transform, set below: moving a node does not rebuild it.
    const content = ({ x: _x, y: _y, ...rest }: PositionedNode) => JSON.stringify(rest);
    reconcile(this.nodes, this.nodeLayer, layout.nodes, (n) => n.step, content, drawNode, newNode);
    for (const node of layout.nodes) {
      this.nodes.get(node.step)!.element.setAttribute("transform", `translate(${node.x} ${node.y})`);
    }
    this.setCurrent(this.current);
  }

  /** Marks the node of the step under the editor's cursor. */
  setCurrent(step: string | null): void {
    this.current = step;
    for (const [name, { element }] of this.nodes) element.classList.toggle("is-current", name === step);
  }

  /** The element of a step's node, to focus it. */
  element(step: string): SVGGElement | undefined {
    return this.nodes.get(step)?.element;
  }
}

/**
 * Brings `layer` in line with `items`: new ones created, gone ones removed, changed ones redrawn,
 * and the children kept in the items' order (the Tab order for nodes) without moving any that are
 * already in place: moving an element would take the keyboard focus from it.
 */
function reconcile<T>(
  drawn: Map<string, Drawn>,
  layer: SVGGElement,
  items: T[],
  key: (item: T) => string,
  signatureOf: (item: T) => string,
  draw: (element: SVGGElement, item: T) => void,
  create: () => SVGGElement,
): void {
  const keep = new Set(items.map(key));
  for (const [name, { element }] of drawn) {
    if (!keep.has(name)) {
      element.remove();
      drawn.delete(name);
    }
  }
  let previous: Element | null = null;
  for (const item of items) {
    const name = key(item);
    const signature = signatureOf(item);
    let entry = drawn.get(name);
    if (!entry) {
      entry = { element: create(), signature: "" };
      drawn.set(name, entry);
    }
    if (entry.signature !== signature) {
      draw(entry.element, item);
      entry.signature = signature;
    }
    const expected: Element | null = previous ? previous.nextElementSibling : layer.firstElementChild;
    if (expected !== entry.element) layer.insertBefore(entry.element, expected);
    previous = entry.element;
  }
}

function newNode(): SVGGElement {
  return svg("g", { tabindex: 0, role: "button" });
}

/** A node: its hover text, its shape, then name, role, badges and status, one line each. */
function drawNode(element: SVGGElement, node: PositionedNode): void {
  element.setAttribute("class", node.classes.join(" "));
  element.setAttribute("data-step", node.step);
  element.setAttribute("data-kind", node.kind);
  element.setAttribute("data-status", node.status?.name ?? "none");
  element.setAttribute("aria-label", node.tooltip.replace(/\n/g, ". "));
  const w = node.width;
  const children: SVGElement[] = [svg("title", {}, node.tooltip), ...shape(node)];
  let y = PAD_Y + LINE_HEIGHT / 2;
  const line = (cls: string, text: string) => {
    const element = svg(
      "text",
      { class: cls, x: w / 2, y, "text-anchor": "middle", "dominant-baseline": "central" },
      text,
    );
    y += LINE_HEIGHT;
    return element;
  };
  if (node.severity) {
    const icon = node.severity === "error" ? "✕" : node.severity === "warning" ? "⚠" : "ℹ";
    children.push(svg("text", { class: "node-severity", x: 10, y, "dominant-baseline": "central" }, icon));
  }
  children.push(line("node-name", node.step));
  if (node.role) children.push(line("node-role", node.role));
  if (node.badges.length) {
    children.push(badges(node.badges, w, y));
    y += LINE_HEIGHT;
  }
  children.push(line("node-status", node.status?.text ?? ""));
  element.replaceChildren(...children);
}

/**
 * The node's outline: a pill for start and end, a hexagon for a switch, a rectangle otherwise, with
 * a stack of cards behind a step that fans out over a foreach.
 */
function shape(node: PositionedNode): SVGElement[] {
  const w = node.stacked ? node.width - 6 : node.width;
  const h = node.stacked ? node.height - 6 : node.height;
  const rx = node.shape === "pill" ? h / 2 : 4;
  const outline = (cls: string, dx: number, dy: number): SVGElement => {
    if (node.shape !== "hexagon") return svg("rect", { class: cls, x: dx, y: dy, width: w, height: h, rx });
    const s = 14;
    const points = [`${s},0`, `${w - s},0`, `${w},${h / 2}`, `${w - s},${h}`, `${s},${h}`, `0,${h / 2}`];
    return svg("polygon", { class: cls, points: points.join(" "), transform: `translate(${dx} ${dy})` });
  };
  const cards = node.stacked ? [outline("node-card", 6, 6), outline("node-card", 3, 3)] : [];
  return [...cards, outline("node-frame", 0, 0)];
}

function badges(names: string[], width: number, y: number): SVGGElement {
  const group = svg("g", { class: "node-badges" });
  let x = (width - badgesWidth(names)) / 2;
  for (const name of names) {
    const w = badgeWidth(name);
    const badge = svg("g", { class: "badge", "data-decorator": name.slice(1), transform: `translate(${x} ${y - 8})` });
    badge.append(
      svg("rect", { class: "badge-frame", width: w, height: 16, rx: 8 }),
      svg(
        "text",
        { class: "badge-text", x: w / 2, y: 8, "text-anchor": "middle", "dominant-baseline": "central" },
        name,
      ),
    );
    group.append(badge);
    x += w + 4;
  }
  return group;
}

function drawEdge(element: SVGGElement, edge: PositionedEdge): void {
  element.setAttribute("class", edge.classes.join(" "));
  element.setAttribute("data-from", edge.from);
  element.setAttribute("data-to", edge.to);
  if (edge.label !== undefined) element.setAttribute("data-label", edge.label);
  else element.removeAttribute("data-label");
  const children: SVGElement[] = [
    svg("path", { class: "edge-path", d: pathOf(edge.points), "marker-end": "url(#arrow)" }),
  ];
  if (edge.label !== undefined && edge.labelAt) {
    const width = labelWidth(edge.label);
    const { x, y } = edge.labelAt;
    const label = svg("g", { class: "edge-label", transform: `translate(${x} ${y})` });
    label.append(
      svg("rect", { class: "edge-label-frame", x: -width / 2, y: -8, width, height: 16, rx: 3 }),
      svg("text", { class: "edge-label-text", "text-anchor": "middle", "dominant-baseline": "central" }, edge.label),
    );
    children.push(label);
  }
  element.replaceChildren(...children);
}

/** A smooth path through dagre's points: straight ends, quadratic curves through the bends. */
export function pathOf(points: { x: number; y: number }[]): string {
  if (points.length === 0) return "";
  const [first, ...rest] = points;
  if (rest.length < 2) return `M${first.x},${first.y}` + rest.map((p) => ` L${p.x},${p.y}`).join("");
  let d = `M${first.x},${first.y}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const bend = rest[i];
    const next = rest[i + 1];
    const end = i === rest.length - 2 ? next : { x: (bend.x + next.x) / 2, y: (bend.y + next.y) / 2 };
    d += ` Q${bend.x},${bend.y} ${end.x},${end.y}`;
  }
  return d;
}
