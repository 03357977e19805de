import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { analyze } from "../../runtime/src/graph";
import { graphFingerprint, graphShape, shapeChanges } from "../../runtime/src/graph/fingerprint";

const FLOW = `import { FlowSpec, step, Inputs } from "tsflow";
export class F extends FlowSpec {
  declare xs: number[];
  @step start() { this.xs = [1, 2]; this.next(this.each, { foreach: "xs" }); }
  @step each() { this.next(this.join); }
  @step join(inputs: Inputs<F>) { this.next(this.end); }
  @step end() {}
}
`;

function shapeOf(source: string) {
  const [flow] = analyze("f.ts", source).flows;
  return graphShape(flow.graph);
}

describe("graph fingerprint", () => {
  test("comments, positions and step bodies leave it as it is", () => {
    const edited = FLOW.replace("@step each() {", "/** doc */\n\n  @step each() {\n    console.log(1); // why\n");
    assert.equal(graphFingerprint(shapeOf(edited)), graphFingerprint(shapeOf(FLOW)));
    assert.match(graphFingerprint(shapeOf(FLOW)), /^[0-9a-f]{64}$/);
  });

  test("a transition, a foreach variable or a join's inputs change it, and the change is named", () => {
    const before = shapeOf(FLOW);
    const linear = shapeOf(FLOW.replace(`this.next(this.each, { foreach: "xs" })`, "this.next(this.each)"));
    assert.notEqual(graphFingerprint(linear), graphFingerprint(before));
    assert.deepEqual(shapeChanges(before.start, linear.start), [
      "its transition was foreach over xs to each, now linear to each",
    ]);
    const renamed = shapeOf(FLOW.replace(`foreach: "xs"`, `foreach: "ys"`).replace("declare xs", "declare ys"));
    assert.notEqual(graphFingerprint(renamed), graphFingerprint(before));
    assert.deepEqual(before.join.inputs, ["each"]);
  });
});
