import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { check, flow } from "../support/analyzer";

describe("missing-start", () => {
  test("a flow whose first step is called something else", () => {
    check(
      flow`
  @step begin() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "missing-start", text: "TestFlow", message: /`TestFlow` has no `start` step/ }],
    );
  });

  test("a flow with only an `end` step", () => {
    check(
      flow`
  @step end() {}
`,
      [{ code: "missing-start", text: "TestFlow", message: /add `@step start\(\)/ }],
    );
  });

  test("look-alike: the smallest valid flow", () => {
    check(
      flow`
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: `start` inherited from an abstract base class", () => {
    check(
      `import { FlowSpec, step } from "tsflow";

abstract class Base extends FlowSpec {
  @step start() { this.next(this.middle); }
  @step end() {}
}

export class Child extends Base {
  @step middle() { this.next(this.end); }
}
`,
      [],
    );
  });
});

describe("missing-end", () => {
  test("the last step is called `finish`", () => {
    check(
      flow`
  @step start() { this.next(this.finish); }
  @step finish() {}
`,
      [
        { code: "missing-end", text: "TestFlow", message: /`TestFlow` has no `end` step: add `@step end\(\) \{\}`/ },
        { code: "missing-transition", text: "finish" },
      ],
    );
  });

  test("`end` is written without @step", () => {
    check(
      flow`
  @step start() { this.next(this.end); }
  end() {}
`,
      [
        { code: "missing-end", text: "TestFlow" },
        { code: "unknown-step", text: "this.end", message: /`end` is a method but not a step: add `@step` above it/ },
      ],
    );
  });

  test("look-alike: an async `end` that does work", () => {
    check(
      flow`
  declare total: number;
  @step start() { this.total = 1; this.next(this.end); }
  @step async end() { await Promise.resolve(this.total); }
`,
      [],
    );
  });

  test("look-alike: `end` declared before every other step", () => {
    check(
      flow`
  @step end() {}
  @step middle() { this.next(this.end); }
  @step start() { this.next(this.middle); }
`,
      [],
    );
  });
});

describe("duplicate-step", () => {
  test("a step declared twice", () => {
    const source = flow`
  @step start() { this.next(this.a); }
  @step a() { this.next(this.end); }
  @step a() { this.next(this.end); }
  @step end() {}
`;
    const result = check(source, [{ code: "duplicate-step", text: "a", message: /step `a` is declared twice/ }]);
    // The later declaration is reported, pointing back at the first one.
    const duplicate = result.flows[0].diagnostics[0];
    const lines = source.split("\n");
    assert.match(lines[duplicate.range.start.line], /@step a\(\) \{ this\.next\(this\.end\); \}/);
    assert.equal(duplicate.related?.[0].range.start.line, duplicate.range.start.line - 1);
  });

  test("`start` declared twice", () => {
    check(
      flow`
  @step start() { this.next(this.end); }
  @step end() {}
  @step start() { this.next(this.end); }
`,
      [{ code: "duplicate-step", text: "start", message: /`start` is declared twice/ }],
    );
  });

  test("look-alike: a subclass overrides a step of its base", () => {
    check(
      `import { FlowSpec, step } from "tsflow";

abstract class Base extends FlowSpec {
  @step start() { this.next(this.middle); }
  @step middle() { this.next(this.end); }
  @step end() {}
}

export class Child extends Base {
  @step override middle() { this.next(this.extra); }
  @step extra() { this.next(this.end); }
}
`,
      [],
    );
  });

  test("look-alike: two flows in one file with the same step names", () => {
    const result = check(
      `import { FlowSpec, step } from "tsflow";

export class One extends FlowSpec {
  @step start() { this.next(this.a); }
  @step a() { this.next(this.end); }
  @step end() {}
}

export class Two extends FlowSpec {
  @step start() { this.next(this.a); }
  @step a() { this.next(this.end); }
  @step end() {}
}
`,
      [],
    );
    assert.deepEqual(
      result.flows.map((f) => f.graph.name),
      ["One", "Two"],
    );
  });
});

describe("reserved-name", () => {
  test("a step called `next`", () => {
    check(
      flow`
  @step start() { this.next(this.next); }
  @step next() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "reserved-name", text: "next", message: /step `next` uses a reserved name.*rename the step/ }],
    );
  });

  test("a step called `index`", () => {
    check(
      flow`
  @step start() { this.next(this.index); }
  @step index() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "reserved-name", text: "index", message: /step `index` uses a reserved name/ }],
    );
  });

  test("assigning `this.input`", () => {
    check(
      flow`
  @step start() { this.input = 1; this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "reserved-name",
          text: "this.input",
          message: /`this.input` is reserved.*store the value under another name/,
        },
      ],
    );
  });

  test("a field `index` with a value", () => {
    check(
      flow`
  index = 3;
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "reserved-name", text: "index = 3;", message: /field `index` uses a reserved name/ }],
    );
  });

  test("a parameter called `mergeArtifacts`", () => {
    check(
      flow`
  mergeArtifacts = param({ default: 1 });
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "reserved-name", text: "mergeArtifacts", message: /parameter `mergeArtifacts` uses a reserved name/ }],
    );
  });

  test("look-alike: `declare input: number` only narrows the type of the foreach element", () => {
    check(
      flow`
  declare input: number;
  declare items: number[];
  declare doubled: number;
  @step start() { this.items = [1, 2]; this.next(this.a, { foreach: "items" }); }
  @step a() { this.doubled = this.input * 2 + this.index; this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.mergeArtifacts(inputs, { exclude: ["doubled"] }); this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: names that merely contain a reserved word", () => {
    check(
      flow`
  declare nextValue: number;
  declare inputs2: number;
  indexes = [1, 2];
  @step start() { this.nextValue = 1; this.inputs2 = 2; this.next(this.nextStep); }
  @step nextStep() { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });
});

describe("bad-step-signature", () => {
  test("a static step", () => {
    check(
      flow`
  @step static start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "bad-step-signature", text: "start", message: /step `start` is static: steps are instance methods/ }],
    );
  });

  test("a getter as step", () => {
    check(
      flow`
  @step get start() { return this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "bad-step-signature",
          text: "start",
          message: /`start` is a getter: write `@step start\(\) \{ ... \}`/,
        },
      ],
    );
  });

  test("an arrow-function field as step", () => {
    check(
      flow`
  @step start = () => { this.next(this.end); };
  @step end() {}
`,
      [{ code: "bad-step-signature", text: "start", message: /`start` is a property/ }],
    );
  });

  test("a generator step", () => {
    check(
      flow`
  @step *start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "bad-step-signature", text: "start", message: /step `start` is a generator/ }],
    );
  });

  test("a join with two parameters", () => {
    check(
      flow`
  @step start() { this.next(this.a, this.b); }
  @step a() { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>, extra: number) { this.next(this.end); }
  @step end() {}
`,
      [{ code: "bad-step-signature", text: "extra: number", message: /step `join` takes 2 parameters/ }],
    );
  });

  test("a join with a rest parameter", () => {
    check(
      flow`
  @step start() { this.next(this.a, this.b); }
  @step a() { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join(...inputs: Inputs<TestFlow>[]) { this.next(this.end); }
  @step end() {}
`,
      [{ code: "bad-step-signature", text: "...inputs: Inputs<TestFlow>[]", message: /rest parameter/ }],
    );
  });

  test("`end` taking inputs", () => {
    check(
      flow`
  @step start() { this.next(this.end); }
  @step end(inputs: Inputs<TestFlow>) {}
`,
      [
        {
          code: "bad-step-signature",
          text: "inputs: Inputs<TestFlow>",
          message: /`end` cannot be a join: add a join step before `end`/,
        },
      ],
    );
  });

  test("`end` taking inputs after an unjoined branch", () => {
    check(
      flow`
  @step start() { this.next(this.a, this.b); }
  @step a() { this.next(this.end); }
  @step b() { this.next(this.end); }
  @step end(inputs: Inputs<TestFlow>) {}
`,
      [
        { code: "bad-step-signature", text: "inputs: Inputs<TestFlow>" },
        { code: "split-not-joined", text: "this.next(this.a, this.b)" },
      ],
    );
  });

  test("look-alike: async steps and a join with `inputs`", () => {
    check(
      flow`
  @step async start() { await Promise.resolve(); this.next(this.a, this.b); }
  @step async a() { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step async join(inputs: Inputs<TestFlow>) { await Promise.resolve(inputs.length); this.next(this.end); }
  @step async end() {}
`,
      [],
    );
  });

  test("look-alike: static, getter and generator helpers without @step", () => {
    check(
      flow`
  static create() { return 1; }
  get total() { return 2; }
  *numbers() { yield 1; }
  helper(a: number, ...rest: number[]) { return a + rest.length; }
  @step start() { this.helper(this.total); this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });
});
