import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { flowAt, nextView, stepAt, type AnalysisUpdate } from "../../client/src/preview/graph-state";
import type { GraphView } from "../../client/src/preview/messages";
import { analyze } from "../../runtime/src/graph";
import { flow } from "../support/analyzer";

const URI = "file:///project/flow.ts";

const GOOD = flow`
  @step start() { this.next(this.train); }
  @step train() { this.next(this.end); }
  @step end() {}
`;

/** The analysis of `source` at `version`, as the server would announce it. */
function update(source: string, version: number): AnalysisUpdate {
  return { uri: URI, version, analysis: analyze("flow.ts", source) };
}

const stepsOf = (view: GraphView) => view.graph?.steps.map((s) => s.name);

describe("DAG preview: which graph to draw as the file changes", () => {
  test("a file that parses and defines the flow replaces the graph", () => {
    const first = nextView(undefined, update(GOOD, 1), "TestFlow");
    assert.deepEqual(
      { stale: first.stale, problems: first.problems, steps: stepsOf(first), version: first.version },
      { stale: false, problems: [], steps: ["start", "train", "end"], version: 1 },
    );
    const renamed = nextView(first, update(GOOD.replace(/train/g, "fit"), 2), "TestFlow");
    assert.deepEqual(stepsOf(renamed), ["start", "fit", "end"]);
    assert.equal(renamed.stale, false);
  });

  test("a syntax error keeps the last good graph, marked stale, with the errors listed", () => {
    const good = nextView(undefined, update(GOOD, 1), "TestFlow");
    const broken = nextView(good, update(GOOD.replace("this.next(this.end);", "this.next(this.end;"), 2), "TestFlow");
    assert.equal(broken.stale, true);
    assert.equal(broken.graph, good.graph, "the last good graph, as it was");
    assert.equal(broken.version, 2);
    assert.deepEqual(
      broken.problems.map((p) => [p.code, p.severity, p.range.start.line]),
      [["syntax-error", "error", 4]],
    );
    assert.match(broken.problems[0].message, /'\)' expected/);
    // Fixed again: fresh, and nothing listed.
    const fixed = nextView(broken, update(GOOD, 3), "TestFlow");
    assert.deepEqual([fixed.stale, fixed.problems.length], [false, 0]);
  });

  test("a flow gone from the file (renamed class) keeps the graph, stale, saying so", () => {
    const good = nextView(undefined, update(GOOD, 1), "TestFlow");
    const gone = nextView(good, update(GOOD.replace("class TestFlow", "class OtherFlow"), 2), "TestFlow");
    assert.equal(gone.stale, true);
    assert.equal(gone.graph, good.graph);
    assert.deepEqual(
      gone.problems.map((p) => p.code),
      ["flow-missing"],
    );
    assert.match(gone.problems[0].message, /no longer defines the flow TestFlow/);
  });

  test("a flow's own errors (an unknown step) are drawn on the new graph, not a reason to go stale", () => {
    const typo = nextView(
      undefined,
      update(GOOD.replace("this.next(this.train)", "this.next(this.trian)"), 1),
      "TestFlow",
    );
    assert.equal(typo.stale, false);
    assert.deepEqual(
      typo.diagnostics.map((d) => [d.code, d.step]),
      [["unknown-step", "start"]],
    );
  });

  test("opened on a broken file: its graph beats an empty page; no flow at all draws nothing", () => {
    const broken = nextView(
      undefined,
      update(GOOD.replace("this.next(this.end);", "this.next(this.end;"), 1),
      "TestFlow",
    );
    assert.deepEqual([broken.stale, stepsOf(broken)], [true, ["start", "train", "end"]]);
    const none = nextView(undefined, update("export const x = 1;\n", 1), "TestFlow");
    assert.deepEqual([none.stale, none.graph, none.problems.map((p) => p.code)], [true, null, ["flow-missing"]]);
  });

  test("an answer older than the view is ignored: a slow flowGraph reply after a newer notification", () => {
    const newer = nextView(undefined, update(GOOD.replace(/train/g, "fit"), 5), "TestFlow");
    assert.equal(nextView(newer, update(GOOD, 4), "TestFlow"), newer);
    assert.notEqual(nextView(newer, update(GOOD, 5), "TestFlow"), newer, "the same version may be sent again");
  });

  test("the step and the flow under the cursor", () => {
    const source = `${GOOD}
export class SecondFlow extends FlowSpec {
  @step start() { this.next(this.end); }
  @step end() {}
}
`;
    const analysis = analyze("flow.ts", source);
    const graph = analysis.flows[0].graph;
    const line = (text: string) => source.split("\n").findIndex((l) => l.includes(text));
    assert.equal(stepAt(graph, { line: line("@step train()"), character: 10 }), "train");
    assert.equal(stepAt(graph, { line: line("@step train()"), character: 0 }), null, "before the method");
    assert.equal(stepAt(graph, { line: 0, character: 0 }), null);
    assert.equal(stepAt(null, { line: 3, character: 3 }), null);
    assert.equal(flowAt(analysis, { line: line("class SecondFlow") + 1, character: 4 }), "SecondFlow");
    assert.equal(flowAt(analysis, { line: 0, character: 0 }), "TestFlow", "outside every class: the first flow");
    assert.equal(flowAt(analysis, undefined), "TestFlow");
    assert.equal(flowAt(analyze("x.ts", "export const x = 1;\n"), undefined), undefined);
  });
});
