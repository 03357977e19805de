import { describe, test } from "node:test";
import { check, flow } from "../support/analyzer";

describe("unknown-join-input", () => {
  test("a misspelt input step, with the closest input as the suggestion", () => {
    check(
      flow`
  declare x: number;
  @step start() { this.next(this.train, this.test); }
  @step train() { this.x = 1; this.next(this.join); }
  @step test() { this.x = 2; this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.x = inputs.trian.x + inputs.test.x; this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "unknown-join-input",
          text: "trian",
          message:
            /`inputs\.trian`: `trian` is not one of the steps that lead to join `join` \(`train` and `test`\): did you mean `train`\?/,
          suggestion: "train",
        },
      ],
    );
  });

  test("a step of the flow that does not lead to this join, by name or as a string key", () => {
    check(
      flow`
  declare x: number;
  @step start() { this.x = 0; this.next(this.a, this.b); }
  @step a() { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join(all: Inputs<TestFlow>) { this.x = all.start.x + all["end"].x; this.next(this.end); }
  @step end() {}
`,
      [
        { code: "unknown-join-input", text: "start", message: /`all\.start`: `start` is not one of the steps/ },
        { code: "unknown-join-input", text: '"end"' },
      ],
    );
  });

  test("look-alike: inputs by step name, by position and through array methods", () => {
    check(
      flow`
  declare x: number;
  @step start() { this.x = 0; this.next(this.a, this.b); }
  @step a() { this.x = 1; this.next(this.join); }
  @step b() { this.x = 2; this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) {
    this.x = inputs.a.x + inputs["b"].x + inputs[0].x + inputs.length + inputs.map((i) => i.x).length;
    this.next(this.end);
  }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: an input whose own transition names an unknown step is that error alone", () => {
    check(
      flow`
  declare x: number;
  @step start() { this.next(this.a, this.b); }
  @step a() { this.x = 1; this.next(this.jion); }
  @step b() { this.x = 2; this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.x = inputs.a.x + inputs.b.x; this.next(this.end); }
  @step end() {}
`,
      [{ code: "unknown-step", text: "this.jion" }],
    );
  });

  test("look-alike: a foreach join reads its inputs by position", () => {
    check(
      flow`
  declare items: number[];
  declare y: number;
  @step start() { this.items = [1, 2]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.y = 1; this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.y = inputs[0].y + inputs.reduce((s, i) => s + i.y, 0); this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });
});

describe("input-artifact-never-set", () => {
  test("an artifact read from an input that no step on its path assigns", () => {
    check(
      flow`
  declare x: number;
  declare score: number;
  @step start() { this.x = 0; this.next(this.a, this.b); }
  @step a() { this.score = 1; this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.x = inputs.a.score + inputs.b.score + inputs.b.score; this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "input-artifact-never-set",
          text: "score",
          message: /`score` is read from input `b`, but no step on a path to `b` assigns it/,
        },
      ],
    );
  });

  test("an artifact read by position that no input step assigns", () => {
    check(
      flow`
  declare x: number;
  declare items: number[];
  @step start() { this.items = [1]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.x = 1; this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.x = inputs[0].totl; this.next(this.end); }
  @step end() {}
`,
      [{ code: "input-artifact-never-set", text: "totl", message: /read from any input of `join`/ }],
    );
  });

  test("look-alike: artifacts set before the split, parameters and fields with values", () => {
    check(
      flow`
  declare x: number;
  seed = param({ default: 1 });
  scale = 3;
  @step start() { this.x = 0; this.next(this.a, this.b); }
  @step a() { this.next(this.join); }
  @step b() { this.x = 2; this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.x = inputs.a.x + inputs.b.seed + inputs[1].scale; this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });
});

describe("merge-include-exclude", () => {
  test("include and exclude together", () => {
    check(
      flow`
  declare x: number;
  @step start() { this.next(this.a, this.b); }
  @step a() { this.x = 1; this.next(this.join); }
  @step b() { this.x = 1; this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.mergeArtifacts(inputs, { include: ["x"], exclude: ["y"] }); this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "merge-include-exclude",
          text: 'exclude: ["y"]',
          message: /`mergeArtifacts` in `join` takes `include` or `exclude`, not both/,
        },
      ],
    );
  });

  test("include and exclude together, with the lists in variables", () => {
    check(
      flow`
  declare x: number;
  @step start() { this.next(this.a, this.b); }
  @step a() { this.x = 1; this.next(this.join); }
  @step b() { this.x = 1; this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) {
    const keep = ["x"];
    const drop: string[] = [];
    this.mergeArtifacts(inputs, { exclude: drop, include: keep });
    this.next(this.end);
  }
  @step end() {}
`,
      [{ code: "merge-include-exclude", text: "exclude: drop" }],
    );
  });

  test("look-alike: include alone, exclude alone, no options", () => {
    check(
      flow`
  declare x: number;
  @step start() { this.next(this.a, this.b); }
  @step a() { this.x = 1; this.next(this.join); }
  @step b() { this.x = 1; this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) {
    this.mergeArtifacts(inputs, { include: ["x"] });
    this.mergeArtifacts(inputs, { exclude: ["x"] });
    this.mergeArtifacts(inputs);
    this.next(this.end);
  }
  @step end() {}
`,
      [],
    );
  });
});
