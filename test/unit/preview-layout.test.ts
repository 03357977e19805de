import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildLayout, neighbor, type Layout, type PositionedNode } from "../../client/src/preview/webview/layout";
import { pathOf } from "../../client/src/preview/webview/render";
import { fit, MAX_ZOOM, MIN_ZOOM, reveal, transformOf, zoomAt } from "../../client/src/preview/webview/viewport";
import { analyze } from "../../runtime/src/graph";
import { flow } from "../support/analyzer";

/** Lays out the one flow of `source`, with no run. */
function layoutOf(source: string): Layout {
  const [analysis] = analyze("flow.ts", source).flows;
  return buildLayout(analysis.graph, analysis.diagnostics, null);
}

const node = (layout: Layout, step: string): PositionedNode => {
  const found = layout.nodes.find((n) => n.step === step);
  assert.ok(found, `a node for ${step}`);
  return found;
};

/** Each node as "step: classes | role | badges". */
const rows = (layout: Layout) =>
  Object.fromEntries(layout.nodes.map((n) => [n.step, [n.classes.join(" "), n.role ?? "", n.badges.join(" ")]]));

const BRANCH = flow`
  @step start() { this.next(this.a, this.b); }
  @step a() { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`;

const FOREACH = flow`
  declare grid: number[];
  @step start() { this.grid = [1, 2]; this.next(this.body, { foreach: "grid" }); }
  @step body() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`;

const SWITCH = flow`
  declare choice: string;
  @step start() { this.choice = "hi"; this.next({ hi: this.high, lo: this.low }, { condition: "choice" }); }
  @step high() { this.next(this.end); }
  @step low() { this.next(this.end); }
  @step end() {}
`;

/** A foreach and a switch in the middle of the flow: steps of kind foreach and switch. */
const MIDDLE = flow`
  declare grid: number[];
  declare choice: string;
  @step start() { this.next(this.prep); }
  @step prep() { this.grid = [1, 2]; this.choice = "a"; this.next(this.body, { foreach: "grid" }); }
  @step body() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.pick); }
  @step pick() { this.next({ a: this.x, b: this.y }, { condition: "choice" }); }
  @step x() { this.next(this.end); }
  @step y() { this.next(this.end); }
  @step end() {}
`;

const DECORATED = flow`
  @retry({ times: 2 })
  @catchError({ var: "err" })
  @timeout({ seconds: 5 })
  @resources({ memory: 100 })
  @environment({ vars: { A: "1" } })
  @step start() { this.next(this.end); }
  @step end() {}
`;

describe("DAG preview: graph → layout model", () => {
  test("a branch: kinds, shapes and roles as classes and texts", () => {
    assert.deepEqual(rows(layoutOf(BRANCH)), {
      start: ["node kind-start shape-pill branch-split", "split ×2", ""],
      a: ["node kind-linear shape-rect", "", ""],
      b: ["node kind-linear shape-rect", "", ""],
      join: ["node kind-join shape-rect", "join", ""],
      end: ["node kind-end shape-pill", "", ""],
    });
  });

  test("a foreach names its variable; a switch its condition, with the case labels on its edges", () => {
    assert.deepEqual(rows(layoutOf(FOREACH)).start, ["node kind-start shape-pill branch-foreach", "foreach grid", ""]);
    const switched = layoutOf(SWITCH);
    assert.deepEqual(rows(switched).start, ["node kind-start shape-pill branch-switch", "switch on choice", ""]);
    const labelled = switched.edges.filter((e) => e.from === "start");
    assert.deepEqual(
      labelled.map((e) => [e.to, e.label, e.classes.join(" ")]),
      [
        ["high", "hi", "edge edge-switch has-label"],
        ["low", "lo", "edge edge-switch has-label"],
      ],
    );
    for (const edge of labelled) assert.ok(edge.labelAt, `the label of ${edge.id} is placed`);
  });

  test("a foreach step is a stack of cards, a switch step a hexagon", () => {
    const layout = layoutOf(MIDDLE);
    const { prep, pick, body } = rows(layout);
    assert.deepEqual(prep, ["node kind-foreach shape-rect branch-foreach", "foreach grid", ""]);
    assert.deepEqual(pick, ["node kind-switch shape-hexagon branch-switch", "switch on choice", ""]);
    assert.deepEqual(body, ["node kind-linear shape-rect", "", ""]);
    assert.equal(node(layout, "prep").stacked, true);
    assert.equal(node(layout, "body").stacked, false);
  });

  test("decorators are badges; their arguments are in the hover text", () => {
    const start = node(layoutOf(DECORATED), "start");
    assert.deepEqual(start.badges, ["@retry", "@catchError", "@timeout", "@resources", "@environment"]);
    assert.match(start.tooltip, /^@retry\(\{"times":2\}\)$/m);
    assert.match(start.tooltip, /^@environment\(\{"vars":\{"A":"1"\}\}\)$/m);
    assert.ok(start.width >= 5 * 40, "the node is wide enough for its badges");
  });

  test("a step with a diagnostic carries its severity and message; a missing target is a ghost node", () => {
    const layout = layoutOf(flow`
  @step start() { this.next(this.trian); }
  @step train() { this.next(this.end); }
  @step end() {}
`);
    const start = node(layout, "start");
    assert.ok(start.classes.includes("has-error"));
    assert.equal(start.severity, "error");
    assert.match(start.tooltip, /^error: `trian` is not a step of this flow: did you mean `train`\?$/m);
    const ghost = node(layout, "trian");
    assert.deepEqual(ghost.classes, ["node", "kind-missing", "shape-ghost", "is-missing"]);
    assert.deepEqual(
      layout.edges.filter((e) => e.to === "trian").map((e) => e.classes),
      [["edge", "edge-linear", "is-missing"]],
    );
    assert.ok(!node(layout, "train").classes.some((c) => c.startsWith("has-")));
  });

  test("top-down: every edge goes down, nodes do not overlap, all inside the drawing", () => {
    for (const source of [BRANCH, FOREACH, SWITCH, MIDDLE, DECORATED]) {
      const layout = layoutOf(source);
      for (const edge of layout.edges) {
        assert.ok(node(layout, edge.from).y < node(layout, edge.to).y, `${edge.id} goes down`);
        assert.ok(edge.points.length >= 2, `${edge.id} has a path`);
      }
      for (const a of layout.nodes) {
        assert.ok(a.x >= 0 && a.y >= 0 && a.x + a.width <= layout.width && a.y + a.height <= layout.height);
        for (const b of layout.nodes) {
          if (a === b) continue;
          const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
          assert.ok(apart, `${a.step} and ${b.step} do not overlap`);
        }
      }
    }
  });

  test("a recursive switch: the loop back to its own step and to an earlier one are drawn", () => {
    const layout = layoutOf(flow`
  declare again: string;
  @step start() { this.next(this.train); }
  @step train() { this.again = "no"; this.next({ again: this.train, check: this.check }, { condition: "again" }); }
  @step check() { this.next({ redo: this.train, done: this.end }, { condition: "again" }); }
  @step end() {}
`);
    const edges = Object.fromEntries(layout.edges.map((e) => [`${e.from}→${e.to}`, e]));
    for (const id of ["train→train", "check→train", "start→train", "train→check", "check→end"])
      assert.ok(edges[id]?.points.length >= 2, `${id} has a path`);
    assert.equal(edges["check→train"].label, "redo");
    assert.ok(node(layout, "check").y > node(layout, "train").y, "the loop's later step stays below");
  });

  test("nodes come in reading order, the Tab order: top to bottom, then left to right", () => {
    const layout = layoutOf(BRANCH);
    assert.equal(layout.nodes[0].step, "start");
    assert.equal(layout.nodes.at(-1)!.step, "end");
    assert.deepEqual(
      layout.nodes
        .slice(1, 3)
        .map((n) => n.step)
        .sort(),
      ["a", "b"],
    );
    assert.ok(layout.nodes[1].x < layout.nodes[2].x);
  });

  test("a row keeps the order the code gives its steps: `next(a, b)` draws a left of b", () => {
    const order = (source: string, steps: string[]) => {
      const layout = layoutOf(source);
      return [...steps].sort((p, q) => node(layout, p).x - node(layout, q).x);
    };
    // dagre alone draws b left of a here.
    assert.deepEqual(order(BRANCH, ["a", "b"]), ["a", "b"]);
    assert.deepEqual(order(BRANCH.replace("this.next(this.a, this.b)", "this.next(this.b, this.a)"), ["a", "b"]), [
      "b",
      "a",
    ]);
    const three = flow`
  @step start() { this.next(this.c, this.a, this.b); }
  @step a() { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step c() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`;
    assert.deepEqual(order(three, ["a", "b", "c"]), ["c", "a", "b"]);
    assert.deepEqual(order(SWITCH, ["high", "low"]), ["high", "low"]);
    assert.deepEqual(
      order(SWITCH.replace("{ hi: this.high, lo: this.low }", "{ lo: this.low, hi: this.high }"), ["high", "low"]),
      ["low", "high"],
    );
  });

  test("a node's size does not change with a run, so a run's progress never moves the drawing", () => {
    const [analysis] = analyze("flow.ts", FOREACH).flows;
    const before = buildLayout(analysis.graph, [], null);
    const after = buildLayout(analysis.graph, [], {
      pathspec: "TestFlow/1",
      status: "running",
      startedAt: new Date(0).toISOString(),
      steps: { start: { status: "succeeded", total: 1, done: 1, failed: 0, running: 0, durationMs: 65_000 } },
    });
    const places = (layout: Layout) =>
      layout.nodes.map(({ step, x, y, width, height }) => ({ step, x, y, width, height }));
    assert.deepEqual(places(after), places(before));
  });

  test("arrow keys: down follows the transition, up the predecessor, left and right stay on the row", () => {
    const layout = layoutOf(BRANCH);
    const [left, right] = [layout.nodes[1].step, layout.nodes[2].step];
    assert.equal(neighbor(layout, "start", "down"), "a");
    assert.equal(neighbor(layout, "join", "up"), "a");
    assert.equal(neighbor(layout, left, "right"), right);
    assert.equal(neighbor(layout, right, "left"), left);
    assert.equal(neighbor(layout, left, "left"), undefined);
    assert.equal(neighbor(layout, "end", "down"), undefined);
    assert.equal(neighbor(layout, "start", "up"), undefined);
    assert.equal(neighbor(layout, "nowhere", "down"), undefined);
  });

  test("edges are drawn as one smooth path through dagre's points", () => {
    assert.equal(pathOf([]), "");
    assert.equal(
      pathOf([
        { x: 0, y: 0 },
        { x: 0, y: 10 },
      ]),
      "M0,0 L0,10",
    );
    assert.equal(
      pathOf([
        { x: 0, y: 0 },
        { x: 10, y: 10 },
        { x: 20, y: 30 },
      ]),
      "M0,0 Q10,10 20,30",
    );
  });
});

describe("DAG preview: pan and zoom", () => {
  test("zooming keeps the point under the mouse still, within the zoom limits", () => {
    const v = zoomAt({ x: 10, y: 20, k: 1 }, 2, 110, 120);
    assert.deepEqual(v, { x: -90, y: -80, k: 2 });
    // The drawing point under (110, 120) was (100, 100) before and still is.
    assert.deepEqual([(110 - v.x) / v.k, (120 - v.y) / v.k], [100, 100]);
    assert.equal(zoomAt({ x: 0, y: 0, k: 1 }, 100, 0, 0).k, MAX_ZOOM);
    assert.equal(zoomAt({ x: 0, y: 0, k: 1 }, 0.001, 0, 0).k, MIN_ZOOM);
  });

  test("fit centres the drawing and never enlarges it; reveal pans only as far as needed", () => {
    assert.deepEqual(fit({ width: 100, height: 50 }, { width: 300, height: 200 }), { k: 1, x: 100, y: 75 });
    const shrunk = fit({ width: 1000, height: 200 }, { width: 532, height: 400 });
    assert.equal(shrunk.k, 0.5);
    assert.deepEqual(fit({ width: 0, height: 0 }, { width: 10, height: 10 }), { x: 0, y: 0, k: 1 });
    const v = { x: 0, y: 0, k: 1 };
    assert.equal(reveal(v, { x: 50, y: 50, width: 10, height: 10 }, { width: 200, height: 200 }), v);
    assert.deepEqual(reveal(v, { x: 300, y: 10, width: 20, height: 10 }, { width: 200, height: 200 }), {
      x: -144,
      y: 14,
      k: 1,
    });
    assert.equal(transformOf({ x: 1.234, y: 5, k: 0.5 }), "translate(1.23 5) scale(0.5)");
  });
});
