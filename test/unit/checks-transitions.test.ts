import { describe, test } from "node:test";
import { check, flow } from "../support/analyzer";

describe("unknown-step", () => {
  test("a misspelt step gets the closest name as suggestion", () => {
    check(
      flow`
  @step start() { this.next(this.trian); }
  @step train() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "unknown-step",
          text: "this.trian",
          message: /`trian` is not a step of this flow: did you mean `train`\?/,
          suggestion: "train",
        },
      ],
    );
  });

  test("a misspelt branch of a split reports the typo alone", () => {
    check(
      flow`
  @step start() { this.next(this.a, this.bb); }
  @step a() { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [{ code: "unknown-step", text: "this.bb", message: /did you mean `b`\?/, suggestion: "b" }],
    );
  });

  test("a misspelt switch case, differing in case only", () => {
    check(
      flow`
  declare choice: string;
  @step start() { this.choice = "a"; this.next({ a: this.Train, b: this.end }, { condition: "choice" }); }
  @step train() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "unknown-step", text: "this.Train", message: /did you mean `train`\?/, suggestion: "train" }],
    );
  });

  test("a method without @step used as a target gets a hint", () => {
    check(
      flow`
  @step start() { this.next(this.prepare); }
  prepare() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "unknown-step",
          text: "this.prepare",
          message: /`prepare` is a method but not a step: add `@step` above it/,
        },
        { code: "unreachable-step", text: "end" },
      ],
    );
  });

  test("an artifact used as a target says so and lists the steps", () => {
    check(
      flow`
  declare model: number;
  @step start() { this.model = 1; this.next(this.a, this.model); }
  @step a() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "unknown-step",
          text: "this.model",
          message: /`model` is an artifact, not a step: the steps are `start`, `a`, `end`/,
        },
        { code: "split-not-joined", text: "this.next(this.a, this.model)" },
      ],
    );
  });

  test('look-alike: `this["name"]` and parenthesised targets name real steps', () => {
    check(
      flow`
  @step start() { this.next(this["train"]); }
  @step train() { this.next((this.end)); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: the step is declared after the step that names it", () => {
    check(
      flow`
  @step start() { this.next(this.trainModel); }
  @step end() {}
  @step trainModel() { this.next(this.end); }
`,
      [],
    );
  });
});

describe("missing-transition", () => {
  test("a branch that stops leads nowhere, and the join does not blame it again", () => {
    check(
      flow`
  @step start() { this.next(this.a, this.b); }
  @step a() { this.next(this.join); }
  @step b() { console.log("forgot"); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "missing-transition",
          text: "b",
          message: /step `b` never calls `this.next`: end it with a transition such as `this.next\(this.end\)`/,
        },
      ],
    );
  });

  test("a switch case without a transition", () => {
    check(
      flow`
  declare choice: string;
  @step start() { this.choice = "a"; this.next({ a: this.a, b: this.end }, { condition: "choice" }); }
  @step a() {}
  @step end() {}
`,
      [{ code: "missing-transition", text: "a", message: /step `a` never calls `this.next`/ }],
    );
  });

  test("`start` without a transition leaves `end` unreachable", () => {
    check(
      flow`
  @step start() { const x = 1; void x; }
  @step end() {}
`,
      [
        { code: "missing-transition", text: "start" },
        { code: "unreachable-step", text: "end" },
      ],
    );
  });

  test("look-alike: `return this.next(...)` is a transition", () => {
    check(
      flow`
  @step start() { return this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: a comment after the transition", () => {
    check(
      flow`
  @step start() {
    this.next(this.end);
    // nothing after this
  }
  @step end() {}
`,
      [],
    );
  });
});

describe("end-has-transition", () => {
  test("`end` leads back to `start`", () => {
    check(
      flow`
  @step start() { this.next(this.end); }
  @step end() { this.next(this.start); }
`,
      [
        {
          code: "end-has-transition",
          text: "this.next(this.start)",
          message: /`end` is the last step and takes no `this.next\(...\)`: remove it/,
        },
      ],
    );
  });

  test("`end` with a conditional transition to a name that is no step", () => {
    check(
      flow`
  @step start() { this.next(this.end); }
  @step end() { if (Math.random() > 0.5) this.next(this.cleanup); }
`,
      [{ code: "end-has-transition", text: "this.next(this.cleanup)" }],
    );
  });

  test("look-alike: `end` calls helpers whose names start with `next`", () => {
    check(
      flow`
  @step start() { this.next(this.end); }
  nextReport() { return 1; }
  @step end() { this.nextReport(); }
`,
      [],
    );
  });

  test("look-alike: `end` defines a callback that rebinds `this`", () => {
    check(
      flow`
  @step start() { this.next(this.end); }
  @step end() {
    const other = { next(x: number) { return x; }, run() { return this.next(1); } };
    other.run();
  }
`,
      [],
    );
  });
});

describe("multiple-transitions", () => {
  test("if/else choose the transition at run time", () => {
    check(
      flow`
  @step start() {
    if (Math.random() > 0.5) {
      this.next(this.a);
    } else {
      this.next(this.end);
    }
  }
  @step a() { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "multiple-transitions",
          text: "this.next(this.end)",
          message: /step `start` calls `this.next` 2 times.*use a switch with `condition`/,
        },
      ],
    );
  });

  test("three transitions one after the other; the steps they name are not also unreachable", () => {
    check(
      flow`
  @step start() { this.next(this.a); this.next(this.b); this.next(this.end); }
  @step a() { this.next(this.end); }
  @step b() { this.next(this.end); }
  @step end() {}
`,
      [
        { code: "multiple-transitions", text: "this.next(this.b)", message: /3 times/ },
        { code: "multiple-transitions", text: "this.next(this.end)", message: /3 times/ },
      ],
    );
  });

  test("look-alike: the run-time choice written as a switch", () => {
    check(
      flow`
  declare choice: string;
  @step start() {
    this.choice = Math.random() > 0.5 ? "a" : "done";
    this.next({ a: this.a, done: this.end }, { condition: "choice" });
  }
  @step a() { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: one call naming two branches", () => {
    check(
      flow`
  @step start() { this.next(this.a, this.b); }
  @step a() { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });
});

describe("transition-not-last", () => {
  test("inside an if block", () => {
    check(
      flow`
  @step start() { if (Math.random() > 0.5) { this.next(this.end); } }
  @step end() {}
`,
      [
        {
          code: "transition-not-last",
          text: "this.next(this.end)",
          message: /must be the last statement of step `start`, outside any block or callback/,
        },
      ],
    );
  });

  test("followed by another statement", () => {
    check(
      flow`
  @step start() { this.next(this.end); console.log("done"); }
  @step end() {}
`,
      [{ code: "transition-not-last", text: "this.next(this.end)" }],
    );
  });

  test("inside an arrow callback", () => {
    check(
      flow`
  @step start() { [1].forEach(() => this.next(this.end)); }
  @step end() {}
`,
      [{ code: "transition-not-last", text: "this.next(this.end)" }],
    );
  });

  test("look-alike: an async step awaits before its transition", () => {
    check(
      flow`
  declare value: number;
  @step async start() {
    try {
      this.value = await Promise.resolve(1);
    } finally {
      console.log("loaded");
    }
    this.next(this.end);
  }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: `return this.next(...)` after an early return", () => {
    check(
      flow`
  declare value: number;
  @step start() {
    this.value = 1;
    if (this.value > 2) console.log("big");
    return this.next(this.end);
  }
  @step end() {}
`,
      [],
    );
  });
});

describe("invalid-transition", () => {
  test("`this.next()` names no step", () => {
    check(
      flow`
  @step start() { this.next(); }
  @step end() {}
`,
      [
        { code: "invalid-transition", text: "this.next()", message: /names no step/ },
        { code: "unreachable-step", text: "end" },
      ],
    );
  });

  test("a step name as a string", () => {
    check(
      flow`
  @step start() { this.next("end"); }
  @step end() {}
`,
      [
        { code: "invalid-transition", text: '"end"', message: /pass steps as `this.name` \(write `this.end`\)/ },
        { code: "unreachable-step", text: "end" },
      ],
    );
  });

  test("a foreach over something that is not a name", () => {
    check(
      flow`
  @step start() { this.next(this.end, { foreach: 3 }); }
  @step end() {}
`,
      [{ code: "invalid-transition", text: "3", message: /`foreach` takes an artifact's name as a string literal/ }],
    );
  });

  test("a switch without its condition", () => {
    check(
      flow`
  @step start() { this.next({ a: this.end }); }
  @step end() {}
`,
      [{ code: "invalid-transition", text: "{ a: this.end }", message: /a switch needs its condition/ }],
    );
  });

  test("a condition without switch cases", () => {
    check(
      flow`
  declare c: string;
  @step start() { this.c = "x"; this.next(this.end, { condition: "c" }); }
  @step end() {}
`,
      [{ code: "invalid-transition", text: '"c"', message: /`condition` needs switch cases/ }],
    );
  });

  test("an unknown option", () => {
    check(
      flow`
  @step start() { this.next(this.end, { each: "c" }); }
  @step end() {}
`,
      [
        {
          code: "invalid-transition",
          text: 'each: "c"',
          message: /unknown transition option `each: "c"`: use `foreach` or `condition`/,
        },
      ],
    );
  });

  test("maxIterations on a transition that is no switch, and a bound that is not a whole number", () => {
    check(
      flow`
  declare items: number[];
  declare mode: string;
  @step start() { this.items = [1]; this.next(this.each, { foreach: "items", maxIterations: 3 }); }
  @step each() { this.next(this.gather); }
  @step gather(inputs: Inputs<TestFlow>) { this.mode = "a"; this.next({ a: this.end }, { condition: "mode", maxIterations: 0.5 }); }
  @step end() {}
`,
      [
        { code: "invalid-transition", text: "3", message: /only a switch takes `maxIterations`/ },
        { code: "invalid-transition", text: "0.5", message: /`maxIterations` takes a whole number of at least 1/ },
      ],
    );
  });

  test("look-alike: a switch with a literal maxIterations", () => {
    check(
      flow`
  declare mode: string;
  @step start() { this.mode = "a"; this.next({ a: this.end, b: this.start }, { condition: "mode", maxIterations: 10 }); }
  @step end() {}
`,
      [],
    );
  });

  test("the same step named twice", () => {
    check(
      flow`
  @step start() { this.next(this.end, this.end); }
  @step end() {}
`,
      [{ code: "invalid-transition", text: "this.end", message: /step `end` is named twice in one transition/ }],
    );
  });

  test("a foreach with two targets", () => {
    check(
      flow`
  declare items: number[];
  @step start() { this.items = [1]; this.next(this.a, this.b, { foreach: "items" }); }
  @step a() { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [
        {
          code: "invalid-transition",
          text: 'this.next(this.a, this.b, { foreach: "items" })',
          message: /exactly one step/,
        },
      ],
    );
  });

  test("look-alike: each of the four transition forms", () => {
    check(
      flow`
  declare items: string[];
  declare choice: string;
  @step start() { this.items = ["a"]; this.next(this.fan, { foreach: "items" }); }
  @step fan() { this.next(this.gather); }
  @step gather(inputs: Inputs<TestFlow>) { this.choice = "left"; this.next({ left: this.left, right: this.right }, { condition: "choice" }); }
  @step left() { this.next(this.split); }
  @step right() { this.next(this.split); }
  @step split() { this.next(this.x, this.y); }
  @step x() { this.next(this.join); }
  @step y() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });

  test("look-alike: a template literal names the foreach artifact and quoted case labels", () => {
    check(
      flow`
  declare items: string[];
  declare choice: string;
  @step start() { this.items = ["a"]; this.next(this.fan, { foreach: \`items\` }); }
  @step fan() { this.next(this.gather); }
  @step gather(inputs: Inputs<TestFlow>) { this.choice = "is-done"; this.next({ "is-done": this.end, "retry-now": this.again }, { condition: "choice" }); }
  @step again() { this.next(this.end); }
  @step end() {}
`,
      [],
    );
  });
});
