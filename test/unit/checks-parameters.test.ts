import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { check, flow } from "../support/analyzer";

describe("invalid-parameter", () => {
  test("help that is not a string", () => {
    check(
      flow`
  alpha = param({ default: 0.1, help: 3 });
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "invalid-parameter", text: "3", message: /the help of parameter `alpha` must be a string literal/ }],
    );
  });

  test("a default that does not match the declared type", () => {
    check(
      flow`
  alpha = param({ default: "x", type: "number" });
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "invalid-parameter",
          text: '"x"',
          message: /the default of parameter `alpha` is a string, but its type is number/,
        },
      ],
    );
  });

  test("a bare value instead of an options object", () => {
    check(
      flow`
  alpha = param(0.1);
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "invalid-parameter",
          text: "param(0.1)",
          message: /parameter `alpha` takes one options object: `param\(\{ default: ..., help: "..." \}\)`/,
        },
      ],
    );
  });

  test("no options at all", () => {
    check(
      flow`
  alpha = param();
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "invalid-parameter", text: "param()" }],
    );
  });

  test("a misspelt option", () => {
    check(
      flow`
  alpha = param({ defualt: 0.1 });
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "invalid-parameter",
          text: "defualt: 0.1",
          message:
            /unknown option `defualt: 0.1` of parameter `alpha` \(did you mean `default`\?\): param takes default, help, type, required or choices/,
        },
      ],
    );
  });

  test("a type TSFlow does not know", () => {
    check(
      flow`
  alpha = param({ default: 1, type: "float" });
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "invalid-parameter",
          text: '"float"',
          message: /must be "number", "integer", "string", "boolean" or "json"/,
        },
      ],
    );
  });

  test("`required` that is not a boolean", () => {
    check(
      flow`
  seed = param({ type: "number", required: "yes" });
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "invalid-parameter", text: '"yes"', message: /`required` of parameter `seed` must be true or false/ }],
    );
  });

  test("look-alike: every option in its documented shape", () => {
    const result = check(
      flow`
  alpha = param({ default: 0.01, help: "learning rate" });
  seed: number = param({ help: "random seed", required: true });
  config = param({ default: { depth: 3, tags: ["a"] }, type: "json" });
  name = param({ default: "x", type: "string" });
  dryRun = param({ default: false, required: false });
  @step start() { console.log(this.alpha, this.seed, this.config, this.name, this.dryRun); this.next(this.end); }
  @step end() {}
`,
      [],
    );
    assert.deepEqual(
      result.flows[0].graph.parameters.map((p) => [p.name, p.type, p.required]),
      [
        ["alpha", "number", false],
        ["seed", "number", true],
        ["config", "json", false],
        ["name", "string", false],
        ["dryRun", "boolean", false],
      ],
    );
  });

  test("look-alike: a computed default and a template-literal help", () => {
    check(
      flow`
  started = param({ default: Date.now(), help: \`when the run started\` });
  limit = param({ default: -1, type: "number", required: process.env.CI === "1" });
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });
});

describe("param-name-conflict", () => {
  test("a parameter named like a step", () => {
    check(
      flow`
  train = param({ default: 1 });
  @step start() { this.next(this.train); }
  @step train() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "param-name-conflict",
          text: "train",
          message: /parameter `train` has the name of a step: rename one of them/,
        },
      ],
    );
  });

  test("a parameter named like a helper method", () => {
    check(
      flow`
  load = param({ default: "data.csv" });
  load2() { return 1; }
  load() { return 2; }
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "param-name-conflict", text: "load", message: /has the name of method `load`/ }],
    );
  });

  test("a parameter assigned in a step", () => {
    check(
      flow`
  alpha = param({ default: 1 });
  @step start() { this.alpha = 2; this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "param-name-conflict",
          text: "this.alpha",
          message: /`alpha` is a parameter, fixed for the whole run: store the new value under another artifact name/,
        },
      ],
    );
  });

  test("a parameter incremented in a branch", () => {
    check(
      flow`
  count = param({ default: 1 });
  @step start() { this.next(this.a, this.b); }
  @step a() { this.count++; this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [{ code: "param-name-conflict", text: "this.count", message: /`count` is a parameter/ }],
    );
  });

  test("a parameter named `tag`", () => {
    check(
      flow`
  tag = param({ default: "x" });
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "param-name-conflict",
          text: "tag",
          message: /would clash with `tsflow run`'s own option --tag: rename it/,
        },
      ],
    );
  });

  test("a parameter named `json`", () => {
    check(
      flow`
  json = param({ default: false });
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "param-name-conflict", text: "json", message: /own option --json/ }],
    );
  });

  test("a parameter declared twice", () => {
    check(
      flow`
  alpha = param({ default: 1 });
  beta = param({ default: 2 });
  alpha = param({ default: 3 });
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "param-name-conflict", text: "alpha", message: /parameter `alpha` is declared twice/ }],
    );
  });

  test("a parameter also declared as an artifact field", () => {
    check(
      flow`
  declare alpha: number;
  alpha = param({ default: 1 });
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "param-name-conflict",
          text: "alpha",
          message: /`alpha` is declared both as a parameter and as an artifact field/,
        },
      ],
    );
  });

  test("look-alike: names close to CLI options and steps", () => {
    check(
      flow`
  tags = param({ default: "x" });
  jsonOut = param({ default: false });
  trainRate = param({ default: 0.1 });
  @step start() { this.next(this.train); }
  @step train() { console.log(this.tags, this.jsonOut, this.trainRate); this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: a parameter copied into a new artifact", () => {
    check(
      flow`
  alpha = param({ default: 1 });
  declare rate: number;
  @step start() { this.rate = this.alpha * 2; this.next(this.end); }
  @step end() { console.log(this.rate); }
`,
      [],
    );
  });

  test("look-alike: a subclass overrides its base's parameter default", () => {
    check(
      `import { FlowSpec, step, param } from "tsflow";

abstract class Base extends FlowSpec {
  alpha = param({ default: 1 });
  @step start() { this.next(this.end); }
  @step end() {}
}

export class Tuned extends Base {
  override alpha = param({ default: 2 });
}
`,
      [],
    );
  });
});

describe("invalid-parameter: integer, choice and file parameters", () => {
  test("an integer parameter with a fractional default, and a default outside the choices", () => {
    check(
      flow`
  rounds = param.int({ default: 2.5 });
  size = param({ type: "integer", default: 1.5 });
  mode = param({ choices: ["fast", "slow"], default: "medium" });
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "invalid-parameter",
          text: "2.5",
          message: /default of parameter `rounds` is 2\.5, but its type is integer/,
        },
        {
          code: "invalid-parameter",
          text: "1.5",
          message: /default of parameter `size` is 1\.5, but its type is integer/,
        },
        {
          code: "invalid-parameter",
          text: '"medium"',
          message: /default of parameter `mode` is "medium", which is not one of its choices "fast", "slow"/,
        },
      ],
    );
  });

  test("choices that are no literal list, a file parameter's computed path and unknown encoding", () => {
    check(
      flow`
  mode = param({ choices: MODES, default: "a" });
  empty = param({ choices: [], default: "a" });
  data = param.file({ default: pathOf("x"), encoding: "latin1" });
  rate = param.int({ default: 1, choices: [1, 2] });
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [
        { code: "invalid-parameter", text: "MODES", message: /choices of parameter `mode` must be a literal list/ },
        { code: "invalid-parameter", text: "[]", message: /choices of parameter `empty` must be a literal list/ },
        {
          code: "invalid-parameter",
          text: 'pathOf("x")',
          message: /default of file parameter `data` must be a path as a string literal/,
        },
        {
          code: "invalid-parameter",
          text: '"latin1"',
          message: /encoding of file parameter `data` must be "utf8" or "binary"/,
        },
        {
          code: "invalid-parameter",
          text: "choices: [1, 2]",
          message: /unknown option `choices: \[1, 2\]` of parameter `rate`: param\.int takes default, help or required/,
        },
      ],
    );
  });

  test("look-alike: computed defaults, integers, choices and files", () => {
    const result = check(
      flow`
  seed = param({ default: Date.now() % 7, help: "a seed" });
  list = param({ default: [1, Math.max(2, 3)] });
  named: string = param({ default: process.env.USER ?? "me" });
  rounds = param.int({ default: 2 });
  size = param({ type: "integer", default: 3 });
  mode = param({ choices: ["fast", "slow"], default: "slow" });
  level = param({ choices: [1, 2, 3] });
  data = param.file({ help: "a csv", default: "./data.csv" });
  blob = param.file({ encoding: "binary" });
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [],
    );
    const byName = Object.fromEntries(result.flows[0].graph.parameters.map((p) => [p.name, p]));
    assert.deepEqual(
      [byName.seed.type, byName.seed.computedDefault, byName.seed.defaultText, byName.seed.required],
      ["json", true, "Date.now() % 7", false],
    );
    assert.equal(byName.list.computedDefault, true);
    assert.equal(byName.named.type, "string");
    assert.deepEqual([byName.rounds.type, byName.rounds.default], ["integer", 2]);
    assert.equal(byName.size.type, "integer");
    assert.deepEqual([byName.mode.type, byName.mode.choices], ["string", ["fast", "slow"]]);
    assert.deepEqual([byName.level.type, byName.level.required], ["number", true]);
    assert.deepEqual([byName.data.type, byName.data.encoding, byName.data.default], ["file", "utf8", "./data.csv"]);
    assert.deepEqual([byName.blob.type, byName.blob.encoding, byName.blob.required], ["file", "binary", true]);
  });
});
