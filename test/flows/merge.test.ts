import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Project } from "../support/run-flow";

describe("mergeArtifacts at run time", () => {
  test("include together with exclude fails the join, naming the step", (t) => {
    // Options built at run time, where the analyzer cannot see them: the runtime refuses them too.
    const project = new Project(t, {
      "flow.ts": `import { FlowSpec, step, Inputs, type MergeOptions } from "tsflow";

export class MergeFlow extends FlowSpec {
  declare x: number;
  @step start() { this.next(this.a, this.b); }
  @step a() { this.x = 1; this.next(this.join); }
  @step b() { this.x = 1; this.next(this.join); }
  @step join(inputs: Inputs<MergeFlow>) {
    const options = JSON.parse('{ "include": ["x"], "exclude": ["y"] }') as MergeOptions;
    this.mergeArtifacts(inputs, options);
    this.next(this.end);
  }
  @step end() {}
}
`,
    });
    const run = project.tsflow(["run", "flow.ts"]);
    assert.equal(run.code, 1);
    assert.equal(run.finished.error!.step, "join");
    assert.match(run.finished.error!.message, /step `join`: mergeArtifacts\(\) takes `include` or `exclude`, not both/);
  });
});
