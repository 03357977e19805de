import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { check, flow } from "../support/analyzer";

/** Runs `check` only for its crash-safety: a diagnostics mismatch is fine, any other throw is not. */
function assertAnalyzes(source: string) {
  try {
    check(source, []);
  } catch (error) {
    assert.ok(
      error instanceof assert.AssertionError,
      `analyze threw on ${JSON.stringify(source.slice(0, 200))}: ${String(error)}`,
    );
  }
}

/** A deterministic pseudo-random generator, so a failing input can be reproduced. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** A valid flow of about `lines` lines: rounds of foreach, static branch and switch, each joined. */
function bigFlow(rounds: number, lastTarget = "end"): string {
  const out = [
    `import { FlowSpec, step, Inputs } from "tsflow";`,
    ``,
    `export class Big extends FlowSpec {`,
    `  declare items: number[];`,
    `  declare total: number;`,
    `  declare choice: string;`,
    ``,
    `  @step start() {`,
    `    this.total = 0;`,
    `    this.next(this.fan0);`,
    `  }`,
  ];
  const stepLines = (name: string, params: string, ...body: string[]) => [
    ``,
    `  @step ${name}(${params}) {`,
    ...body.map((l) => `    ${l}`),
    `  }`,
  ];
  for (let i = 0; i < rounds; i++) {
    const after = i + 1 < rounds ? `fan${i + 1}` : lastTarget;
    out.push(
      ...stepLines(`fan${i}`, "", `this.items = [1, 2, 3];`, `this.next(this.each${i}, { foreach: "items" });`),
      ...stepLines(`each${i}`, "", `this.total += this.input as number;`, `this.next(this.gather${i});`),
      ...stepLines(
        `gather${i}`,
        "inputs: Inputs<Big>",
        `this.total = inputs.length;`,
        `this.next(this.left${i}, this.right${i});`,
      ),
      ...stepLines(`left${i}`, "", `this.total += 1;`, `this.next(this.meet${i});`),
      ...stepLines(`right${i}`, "", `this.total += 2;`, `this.next(this.meet${i});`),
      ...stepLines(
        `meet${i}`,
        "inputs: Inputs<Big>",
        `this.choice = inputs.length > 1 ? "a" : "b";`,
        `this.next({ a: this.caseA${i}, b: this.caseB${i} }, { condition: "choice" });`,
      ),
      ...stepLines(`caseA${i}`, "", `this.next(this.${after});`),
      ...stepLines(`caseB${i}`, "", `this.next(this.${after});`),
    );
  }
  out.push(...stepLines("end", "", `console.log(this.total);`), `}`, ``);
  return out.join("\n");
}

describe("syntax-error", () => {
  test("a class left open", () => {
    check(
      `import { FlowSpec, step } from "tsflow";

export class X extends FlowSpec {
  @step start() { this.next(this.end); }
  @step end() {}
`,
      [{ code: "syntax-error", text: "", message: /'\}' expected/ }],
    );
  });

  test("a half-written expression", () => {
    check(
      flow`
  @step start() { this.next(this.end); }
  @step end() { const x = ; }
`,
      [{ code: "syntax-error", text: ";", message: /Expression expected/ }],
    );
  });

  test("a half-typed `this.next(this.` still shows the rest of the flow", () => {
    check(
      flow`
  @step start() { this.next(this. }
  @step end() {}
`,
      [
        { code: "syntax-error", text: "}", message: /Identifier expected/ },
        { code: "invalid-transition", text: "this.", message: /a step name is missing after `this.`/ },
        { code: "unreachable-step", text: "end" },
      ],
    );
  });

  test("look-alike: modern TypeScript syntax parses", () => {
    check(
      flow`
  declare config: { depth?: number };
  declare ids: readonly number[];
  @step async start() {
    this.config = { depth: 3 } satisfies { depth?: number };
    this.ids = [1, 2] as const;
    const depth = this.config.depth ?? 0;
    for await (const x of (async function* () { yield depth; })()) void x;
    this.next(this.end);
  }
  @step end() { console.log(this.config?.depth, this.ids.at(-1), 10n ** 2n); }
`,
      [],
    );
  });

  test("look-alike: a .tsx file with JSX and generic arrows", () => {
    check(
      `import { FlowSpec, step } from "tsflow";
declare const React: { createElement: (...args: unknown[]) => unknown };

const identity = <T,>(value: T) => value;

export class TsxFlow extends FlowSpec {
  declare markup: unknown;
  @step start() { this.markup = identity(<div className="x">hi</div>); this.next(this.end); }
  @step end() {}
}
`,
      [],
      "flow.tsx",
    );
  });
});

describe("robustness: analyze never throws", () => {
  test("an empty file has no flows and no diagnostics", () => {
    const result = check("", []);
    assert.deepEqual(result.flows, []);
  });

  test("a file with only `class X extends FlowSpec {`", () => {
    const result = check(`class X extends FlowSpec {`, [
      { code: "syntax-error", text: "", message: /'\}' expected/ },
      { code: "missing-start", text: "X" },
      { code: "missing-end", text: "X" },
    ]);
    assert.equal(result.flows.length, 1);
  });

  test("a half-typed `this.next(this.` at the end of the file", () => {
    check(
      `import { FlowSpec, step } from "tsflow";
export class X extends FlowSpec {
  @step start() { this.next(this.`,
      [
        { code: "syntax-error", text: "", message: /Identifier expected/ },
        { code: "missing-end", text: "X" },
        { code: "invalid-transition", text: "this." },
      ],
    );
  });

  test("`this.next()` with no argument", () => {
    check(
      flow`
  @step start() { this.next(); }
  @step end() {}
`,
      [
        { code: "invalid-transition", text: "this.next()" },
        { code: "unreachable-step", text: "end" },
      ],
    );
  });

  test("random garbage text", () => {
    const result = check(`)(*&^%$ class extends { @@ step ]]]`, [
      { code: "syntax-error", text: ")" },
      { code: "syntax-error", text: "*" },
      { code: "syntax-error", text: "&" },
      { code: "syntax-error", text: "^" },
      { code: "syntax-error", text: "%" },
      { code: "syntax-error", text: "class" },
      { code: "syntax-error", text: "@" },
      { code: "syntax-error", text: "" },
      { code: "syntax-error", text: "]" },
      { code: "syntax-error", text: "]" },
      { code: "syntax-error", text: "]" },
    ]);
    assert.deepEqual(result.flows, []);
  });

  test("seeded random garbage, with and without flow-like words", () => {
    const next = random(42);
    const words = [
      "@step",
      "this.next(",
      "this.",
      "{",
      "}",
      "(",
      ")",
      ",",
      "class A extends FlowSpec",
      "inputs",
      '"x"',
      "foreach:",
      "=>",
      ";",
      "\n",
      "param({",
      "@retry(",
      "`",
    ];
    for (let i = 0; i < 300; i++) {
      const length = Math.floor(next() * 40);
      let text = i % 2 === 0 ? `import { FlowSpec, step } from "tsflow";\nexport class F extends FlowSpec {\n` : "";
      for (let j = 0; j < length; j++) {
        text +=
          next() < 0.7 ? words[Math.floor(next() * words.length)] : String.fromCharCode(32 + Math.floor(next() * 95));
        text += next() < 0.5 ? " " : "";
      }
      assertAnalyzes(text);
    }
  });

  test("every prefix of a flow, as typed character by character", () => {
    const source = flow`
  declare items: number[];
  alpha = param({ default: 0.1, help: "rate" });
  @retry({ times: 2 })
  @step start() { this.items = [1, 2]; this.next(this.each, { foreach: "items" }); }
  @step each() { this.next({ a: this.a, b: this.join }, { condition: "alpha" }); }
  @step a() { this.next(this.join); }
  @step join(inputs: Inputs<TestFlow>) { this.next(this.end); }
  @step end() {}
`;
    for (let length = 0; length <= source.length; length++) assertAnalyzes(source.slice(0, length));
  });

  test("a generated flow of more than 5,000 lines", () => {
    const source = bigFlow(160);
    assert.ok(source.split("\n").length > 5000, `only ${source.split("\n").length} lines`);
    const started = Date.now();
    const result = check(source, []);
    assert.equal(result.flows[0].graph.steps.length, 2 + 160 * 8);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });

  test("a generated flow of more than 5,000 lines with a typo at its very end", () => {
    check(bigFlow(160, "ned"), [
      { code: "unknown-step", text: "this.ned", suggestion: "end" },
      { code: "unknown-step", text: "this.ned", suggestion: "end" },
    ]);
  });

  test("a chain of 10,000 one-line steps does not overflow the stack", () => {
    const steps = Array.from(
      { length: 10_000 },
      (_, i) => `  @step s${i}() { this.next(this.${i + 1 < 10_000 ? `s${i + 1}` : "end"}); }`,
    );
    const result = check(
      `import { FlowSpec, step } from "tsflow";\nexport class Long extends FlowSpec {\n  @step start() { this.next(this.s0); }\n${steps.join("\n")}\n  @step end() {}\n}\n`,
      [],
    );
    assert.equal(result.flows[0].graph.steps.length, 10_002);
  });

  test("a branch of 10,000 steps that skips the join", () => {
    const steps = Array.from(
      { length: 10_000 },
      (_, i) => `  @step b${i}() { this.next(this.${i + 1 < 10_000 ? `b${i + 1}` : "end"}); }`,
    );
    check(
      `import { FlowSpec, step, Inputs } from "tsflow";
export class Long extends FlowSpec {
  @step start() { this.next(this.a, this.b0); }
  @step a() { this.next(this.join); }
${steps.join("\n")}
  @step join(inputs: Inputs<Long>) { this.next(this.end); }
  @step end() {}
}
`,
      [
        { code: "join-mismatch", text: "join", message: /gathers `a` from the split in `start` but not `b0`/ },
        { code: "split-not-joined", text: "this.next(this.a, this.b0)" },
      ],
    );
  });

  test("a file with 10 flow classes, each analyzed separately", () => {
    const classes = Array.from({ length: 10 }, (_, i) => {
      // Flow 3 lacks `end`, flow 7 misspells its only step; the others are clean.
      const end = i === 3 ? "" : `@step end() {}`;
      const target = i === 7 ? "this.ned" : "this.end";
      return `export class Flow${i} extends FlowSpec {
  declare x${i}: number;
  @step start() { this.x${i} = ${i}; this.next(${target}); }
  ${end}
}`;
    });
    const result = check(`import { FlowSpec, step } from "tsflow";\n\n${classes.join("\n\n")}\n`, [
      { code: "missing-end", text: "Flow3" },
      { code: "unknown-step", text: "this.end" },
      { code: "unknown-step", text: "this.ned", suggestion: "end" },
    ]);
    assert.deepEqual(
      result.flows.map((f) => [f.graph.name, f.diagnostics.map((d) => d.code)]),
      Array.from({ length: 10 }, (_, i) => [
        `Flow${i}`,
        i === 3 ? ["missing-end", "unknown-step"] : i === 7 ? ["unknown-step"] : [],
      ]),
    );
    assert.deepEqual(
      result.flows.map((f) => f.graph.artifacts.map((a) => a.name)),
      Array.from({ length: 10 }, (_, i) => [`x${i}`]),
    );
  });

  test("a flow inheriting steps from an abstract base class in the same file", () => {
    const result = check(
      `import { FlowSpec, step, param, Inputs } from "tsflow";

abstract class Base extends FlowSpec {
  alpha = param({ default: 1 });
  declare x: number;
  @step start() { this.x = this.alpha; this.next(this.a, this.b); }
  @step join(inputs: Inputs<Base>) { this.x = inputs.length; this.next(this.end); }
  @step end() {}
}

abstract class Middle extends Base {
  @step a() { this.next(this.join); }
}

export class Leaf extends Middle {
  @step b() { this.x += 1; this.next(this.join); }
}
`,
      [],
    );
    assert.deepEqual(
      result.flows.map((f) => f.graph.name),
      ["Leaf"],
    );
    assert.deepEqual(
      result.flows[0].graph.steps.map((s) => [s.name, s.kind]),
      [
        ["start", "start"],
        ["join", "join"],
        ["end", "end"],
        ["a", "linear"],
        ["b", "linear"],
      ],
    );
    assert.deepEqual(
      result.flows[0].graph.parameters.map((p) => p.name),
      ["alpha"],
    );
  });

  test("aliased imports", () => {
    const result = check(
      `import { step as s, FlowSpec as Base, param as p, retry as again, Inputs } from "tsflow";

export class Aliased extends Base {
  alpha = p({ default: 1 });
  @again({ times: 1 })
  @s start() { this.next(this.a, this.b); }
  @s a() { this.next(this.join); }
  @s b() { this.next(this.join); }
  @s join(inputs: Inputs<Aliased>) { this.next(this.end); }
  @s end() {}
}
`,
      [],
    );
    const graph = result.flows[0].graph;
    assert.deepEqual(
      graph.steps.map((s) => s.name),
      ["start", "a", "b", "join", "end"],
    );
    assert.deepEqual(
      graph.steps[0].decorators.map((d) => [d.name, d.args]),
      [["retry", [{ times: 1 }]]],
    );
    assert.deepEqual(
      graph.parameters.map((p) => [p.name, p.type]),
      [["alpha", "number"]],
    );
  });

  test("aliased imports still catch mistakes", () => {
    check(
      `import { step as s, FlowSpec as Base } from "tsflow";

export class Aliased extends Base {
  @s start() { this.next(this.ned); }
  @s end() {}
}
`,
      [{ code: "unknown-step", text: "this.ned", suggestion: "end" }],
    );
  });

  test("namespace imports", () => {
    const result = check(
      `import * as tf from "tsflow";

export class Ns extends tf.FlowSpec {
  items = tf.param({ default: [1, 2] });
  @tf.resources({ cpu: 2 })
  @tf.step start() { this.next(this.each, { foreach: "items" }); }
  @tf.step each() { this.next(this.join); }
  @tf.step join(inputs: tf.Inputs<Ns>) { this.next(this.end); }
  @tf.step end() {}
}
`,
      [],
    );
    const graph = result.flows[0].graph;
    assert.deepEqual(
      graph.steps.map((s) => [s.name, s.kind]),
      [
        ["start", "start"],
        ["each", "linear"],
        ["join", "join"],
        ["end", "end"],
      ],
    );
    assert.deepEqual(
      graph.steps[0].decorators.map((d) => d.name),
      ["resources"],
    );
    assert.deepEqual(
      graph.parameters.map((p) => [p.name, p.type]),
      [["items", "json"]],
    );
  });

  test("namespace imports still catch mistakes", () => {
    check(
      `import * as tf from "tsflow";

export class Ns extends tf.FlowSpec {
  @tf.step @tf.retry start() { this.next(this.end); }
  @tf.step end() {}
}
`,
      [{ code: "decorator-misuse", text: "@tf.retry", message: /`@retry` stands below `@step`/ }],
    );
  });

  test("files without a FlowSpec have no flows", () => {
    for (const source of [
      `export class NotAFlow { start() {} end() {} }\nfunction helper() { return 1; }\n`,
      `import { FlowSpec } from "some-other-library";\nimport { step } from "tsflow";\nexport class Foreign extends FlowSpec { @step start() { this.next(this.end); } @step end() {} }\n`,
      `import { step } from "tsflow";\nclass FlowSpec {}\nexport class Local extends FlowSpec { @step start() { this.next(this.end); } @step end() {} }\n`,
      `// just a comment\n`,
      `export const x = 1;\nexport default class extends Object {}\n`,
    ]) {
      const result = check(source, []);
      assert.deepEqual(result.flows, [], source);
    }
  });

  test("an abstract flow on its own is no flow", () => {
    const result = check(
      `import { FlowSpec, step } from "tsflow";

export abstract class Template extends FlowSpec {
  @step start() { this.next(this.end); }
}
`,
      [],
    );
    assert.deepEqual(result.flows, []);
  });
});
