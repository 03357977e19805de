/**
 * Places the graph model top-down with dagre, and answers which node is next to which for the
 * keyboard. Pure: no DOM, so tests run it in Node exactly as the webview does.
 */
import { graphlib, layout as dagreLayout } from "@dagrejs/dagre";
import type { Diagnostic, FlowGraph } from "../../../../runtime/src/graph/model";
import type { RunOverlay } from "../messages";
import { graphModel, type EdgeView, type GraphModel, type NodeView } from "./model";

export interface Point {
  x: number;
  y: number;
}

/** A node placed: `x`, `y` are its top-left corner. */
export interface PositionedNode extends NodeView {
  x: number;
  y: number;
}

export interface PositionedEdge extends EdgeView {
  points: Point[];
  /** The centre of the label, when the edge has one. */
  labelAt?: Point;
}

export interface Layout {
  /** In reading order: top to bottom, then left to right (the Tab order). */
  nodes: PositionedNode[];
  edges: PositionedEdge[];
  width: number;
  height: number;
}

const LABEL_HEIGHT = 16;

/** The drawing of `graph`: its model, laid out. */
export function buildLayout(graph: FlowGraph, diagnostics: Diagnostic[], run: RunOverlay | null): Layout {
  return layoutModel(graphModel(graph, diagnostics, run));
}

/** Places a graph model: node sizes are the model's, positions and edge routes dagre's. */
export function layoutModel(model: GraphModel): Layout {
  let g = laidOut(model);
  // dagre orders a row to cross as few edges as it can, and may then put `b` left of `a` for
  // `this.next(this.a, this.b)`. Where it did, lay out again with the written order as constraints.
  const constraints = reversedSiblings(model, g);
  if (constraints.length > 0) {
    try {
      g = laidOut(model, constraints);
    } catch {
      // constraints dagre cannot meet together: the first layout stands
    }
  }
  const nodes = model.nodes.map((node) => {
    const placed = g.node(node.step) as { x: number; y: number };
    return { ...node, x: placed.x - node.width / 2, y: placed.y - node.height / 2 };
  });
  nodes.sort((a, b) => a.y - b.y || a.x - b.x);
  const edges = model.edges.map((edge) => {
    const placed = g.edge({ v: edge.from, w: edge.to, name: edge.id }) as { points?: Point[]; x?: number; y?: number };
    const points = (placed.points ?? []).map(({ x, y }) => ({ x, y }));
    const positioned: PositionedEdge = { ...edge, points };
    if (edge.label !== undefined && placed.x !== undefined && placed.y !== undefined)
      positioned.labelAt = { x: placed.x, y: placed.y };
    return positioned;
  });
  const size = g.graph() as { width?: number; height?: number };
  return { nodes, edges, width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0) };
}

function laidOut(model: GraphModel, constraints: Array<{ left: string; right: string }> = []): graphlib.Graph {
  const g = new graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: "TB", nodesep: 28, ranksep: 44, edgesep: 14, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of model.nodes) g.setNode(node.step, { width: node.width, height: node.height });
  for (const edge of model.edges) {
    const label =
      edge.label === undefined ? {} : { width: labelWidth(edge.label), height: LABEL_HEIGHT, labelpos: "c" };
    g.setEdge(edge.from, edge.to, label, edge.id);
  }
  dagreLayout(g, constraints.length > 0 ? { constraints } : undefined);
  return g;
}

/** Consecutive targets of one step that share a row, but came out right to left. */
function reversedSiblings(model: GraphModel, g: graphlib.Graph): Array<{ left: string; right: string }> {
  const targets = new Map<string, string[]>();
  for (const edge of model.edges) {
    const list = targets.get(edge.from) ?? [];
    if (!list.includes(edge.to) && edge.to !== edge.from) list.push(edge.to);
    targets.set(edge.from, list);
  }
  const at = (step: string) => g.node(step) as { x: number; y: number };
  const pairs: Array<{ left: string; right: string }> = [];
  let reversed = false;
  for (const list of targets.values()) {
    for (let i = 1; i < list.length; i++) {
      const [left, right] = [list[i - 1], list[i]];
      if (at(left).y !== at(right).y) continue;
      pairs.push({ left, right });
      if (at(left).x > at(right).x) reversed = true;
    }
  }
  return reversed ? pairs : [];
}

/** The width of a switch case's label on its edge. */
export function labelWidth(label: string): number {
  return Math.ceil(label.length * 6.8 + 12);
}

/** An arrow key's direction. */
export type Direction = "up" | "down" | "left" | "right";

/**
 * The node the arrow key `direction` moves to from `from`: down follows the step's first
 * transition, up its first predecessor, left and right the nearest node on the same row; where
 * the graph has no such edge, the nearest node that way.
 */
export function neighbor(layout: Layout, from: string, direction: Direction): string | undefined {
  const here = layout.nodes.find((n) => n.step === from);
  if (!here) return undefined;
  const exists = (name: string) => name !== from && layout.nodes.some((n) => n.step === name);
  if (direction === "down") {
    const next = layout.edges.find((e) => e.from === from && exists(e.to));
    if (next) return next.to;
  }
  if (direction === "up") {
    const previous = layout.edges.find((e) => e.to === from && exists(e.from));
    if (previous) return previous.from;
  }
  return nearest(layout.nodes, here, direction)?.step;
}

function nearest(nodes: PositionedNode[], here: PositionedNode, direction: Direction): PositionedNode | undefined {
  const c = centre(here);
  let best: PositionedNode | undefined;
  let bestScore = Infinity;
  for (const node of nodes) {
    if (node === here) continue;
    const p = centre(node);
    const [along, across] =
      direction === "up" || direction === "down" ? [p.y - c.y, p.x - c.x] : [p.x - c.x, p.y - c.y];
    const ahead = direction === "down" || direction === "right" ? along : -along;
    if (ahead <= 1) continue;
    // Straight ahead beats diagonal: sideways distance counts double.
    const score = ahead + 2 * Math.abs(across);
    if (score < bestScore) [best, bestScore] = [node, score];
  }
  return best;
}

/** The centre of a placed node. */
export function centre(node: { x: number; y: number; width: number; height: number }): Point {
  return { x: node.x + node.width / 2, y: node.y + node.height / 2 };
}
