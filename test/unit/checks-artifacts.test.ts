import { describe, test } from "node:test";
import { check, flow } from "../support/analyzer";

describe("foreach-var-missing", () => {
  test("the foreach artifact is never assigned", () => {
    check(
      flow`
  declare items: number[];
  @step start() { this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "foreach-var-missing",
          text: '"items"',
          message:
            /`foreach: "items"` names an artifact that is assigned neither in `start` nor before it: set `this.items = \[...\]` in `start`/,
        },
      ],
    );
  });

  test("a misspelt foreach artifact: the closest artifact set before it is suggested", () => {
    check(
      flow`
  declare items: number[];
  @step start() { this.items = [1]; this.next(this.each, { foreach: "itmes" }); }
  @step each() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "foreach-var-missing",
          text: '"itmes"',
          message:
            /`foreach: "itmes"` names an artifact that is assigned neither in `start` nor before it: did you mean `items`\? Otherwise set/,
          suggestion: "items",
        },
      ],
    );
  });

  test("a misspelt switch condition: the closest artifact is suggested", () => {
    check(
      flow`
  declare mode: string;
  @step start() { this.mode = "a"; this.next({ a: this.end }, { condition: "mdoe" }); }
  @step end() {}
`,
      [{ code: "switch-var-missing", text: '"mdoe"', message: /did you mean `mode`\?/, suggestion: "mode" }],
    );
  });

  test("the foreach artifact is assigned only in a sibling branch", () => {
    check(
      flow`
  declare items: number[];
  @step start() { this.next(this.a, this.b); }
  @step a() { this.items = [1]; this.next(this.join); }
  @step b() { this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.joinEach); }
  @step joinEach(inputs: Inputs<TestFlow>) { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [{ code: "foreach-var-missing", text: '"items"', message: /neither in `b` nor before it/ }],
    );
  });

  test("the foreach artifact is assigned only after the foreach", () => {
    check(
      flow`
  declare items: number[];
  @step start() { this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.items = []; this.next(this.end); }
  @step end() {}
`,
      [{ code: "foreach-var-missing", text: '"items"' }],
    );
  });

  test("look-alike: assigned in an earlier step", () => {
    check(
      flow`
  declare items: number[];
  @step start() { this.items = [1, 2]; this.next(this.prepare); }
  @step prepare() { this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: the foreach runs over a parameter", () => {
    check(
      flow`
  items = param({ default: [1, 2], help: "what to fan out over" });
  @step start() { this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: the foreach runs over a field with an initializer", () => {
    check(
      flow`
  items = [1, 2, 3];
  @step start() { this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: the artifact is filled by destructuring", () => {
    check(
      flow`
  declare items: number[];
  declare size: number;
  @step start() { [this.items, this.size] = [[1, 2], 2]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });
});

describe("switch-var-missing", () => {
  test("the condition artifact is never assigned", () => {
    check(
      flow`
  @step start() { this.next({ a: this.a, b: this.end }, { condition: "choice" }); }
  @step a() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "switch-var-missing",
          text: '"choice"',
          message:
            /`condition: "choice"` names an artifact that is assigned neither in `start` nor before it: set `this.choice = "..."` in `start`/,
        },
      ],
    );
  });

  test("the condition artifact is assigned only in a sibling branch", () => {
    check(
      flow`
  declare mode: string;
  @step start() { this.next(this.a, this.b); }
  @step a() { this.mode = "x"; this.next(this.join); }
  @step b() { this.next({ x: this.x, y: this.y }, { condition: "mode" }); }
  @step x() { this.next(this.join); }
  @step y() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [{ code: "switch-var-missing", text: '"mode"', message: /neither in `b` nor before it/ }],
    );
  });

  test("look-alike: the condition is a parameter", () => {
    check(
      flow`
  mode = param({ default: "fast" });
  @step start() { this.next({ fast: this.fast, slow: this.end }, { condition: "mode" }); }
  @step fast() { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: the condition is assigned upstream", () => {
    check(
      flow`
  declare mode: string;
  @step start() { this.mode = "fast"; this.next(this.decide); }
  @step decide() { this.next({ fast: this.fast, slow: this.end }, { condition: "mode" }); }
  @step fast() { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });
});

describe("artifact-never-set", () => {
  test("an artifact read but never assigned", () => {
    check(
      flow`
  declare x: number;
  @step start() { this.next(this.a); }
  @step a() { console.log(this.x); this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "artifact-never-set",
          text: "this.x",
          message:
            /`this.x` is read in `a` but no step on a path from `start` to it assigns it: assign it in `a` or a step before it/,
        },
      ],
    );
  });

  test("an artifact assigned only in a sibling branch", () => {
    check(
      flow`
  declare x: number;
  @step start() { this.next(this.a, this.b); }
  @step a() { this.x = 1; this.next(this.join); }
  @step b() { console.log(this.x); this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [{ code: "artifact-never-set", text: "this.x", message: /read in `b`/ }],
    );
  });

  test("an artifact read twice in `end` is reported once", () => {
    check(
      flow`
  declare model: string;
  @step start() { this.next(this.end); }
  @step end() { console.log(this.model, this.model.length); }
`,
      [{ code: "artifact-never-set", text: "this.model", message: /read in `end`/ }],
    );
  });

  test("an artifact assigned only downstream", () => {
    check(
      flow`
  declare score: number;
  @step start() { console.log(this["score"]); this.next(this.train); }
  @step train() { this.score = 1; this.next(this.end); }
  @step end() {}
`,
      [{ code: "artifact-never-set", text: 'this["score"]', message: /read in `start`/ }],
    );
  });

  test("a step no path reaches is reported as unreachable, not for what it reads", () => {
    check(
      flow`
  declare x: number;
  @step start() { this.next(this.end); }
  @step lone() { console.log(this.x); this.next(this.end); }
  @step end() {}
`,
      [{ code: "unreachable-step", text: "lone" }],
    );
  });

  test("look-alike: reading a parameter, a field initializer and an upstream artifact", () => {
    check(
      flow`
  alpha = param({ default: 0.1 });
  labels = ["a", "b"];
  declare model: number;
  @step start() { this.model = this.alpha; this.next(this.train); }
  @step train() { console.log(this.model, this.labels, this.alpha); this.next(this.end); }
  @step end() { console.log(this.model); }
`,
      [],
    );
  });

  test("look-alike: reading the @catchError var", () => {
    check(
      flow`
  declare err: unknown;
  @catchError({ var: "err" })
  @step start() { this.next(this.report); }
  @step report() { console.log(this.err); this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: steps, helper methods and the FlowSpec API are not artifacts", () => {
    check(
      flow`
  declare items: number[];
  declare out: number;
  get scale() { return 2; }
  helper(n: number) { return n * this.scale; }
  @step start() { this.items = [1]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.out = this.helper(this.input as number) + this.index; this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.mergeArtifacts(inputs); console.log(this.start, this.join); this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: an artifact updated with += after an upstream assignment", () => {
    check(
      flow`
  declare x: number;
  @step start() { this.x = 0; this.next(this.a, this.b); }
  @step a() { this.x += 2; this.next(this.join); }
  @step b() { this.x++; this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.x = inputs.length; this.next(this.end); }
  @step end() { console.log(this.x); }
`,
      [],
    );
  });
});
