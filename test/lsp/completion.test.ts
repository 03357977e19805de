import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { performance } from "node:perf_hooks";
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type Range } from "vscode-languageserver-protocol";
import { generateFlow } from "../../bench/generate-flow";
import { validExamples } from "../support/examples";
import {
  completionAt,
  definitionAt,
  hoverAt,
  lineRange,
  LspClient,
  MERGE_FLOW,
  positionOf,
  SWITCH_FLOW,
  uriOf,
} from "../support/lsp";

const example = (name: string) => validExamples().find((e) => e.name === name)!.text;

/** What the list shows, in its order: each item's label and detail. */
const shown = (items: CompletionItem[] | null) => items?.map((i) => `${i.label}: ${i.detail}`) ?? null;

/** What accepting an item does: the range it replaces and the text it puts there. */
function edit(item: CompletionItem | undefined): { range: Range; newText: string } {
  assert.ok(item?.textEdit && "range" in item.textEdit, "items carry a plain text edit");
  return { range: item.textEdit.range, newText: item.textEdit.newText };
}

/**
 * Opens `text` with the `|` of `marked` taken out and completes there. Each call opens a new
 * document, so a test can try several cursors on variants of one flow.
 */
let opened = 0;
async function completeIn(client: LspClient, text: string, marked: string) {
  const needle = marked.replace("|", "");
  assert.ok(text.includes(needle), `${JSON.stringify(needle)} is not in the text`);
  const uri = uriOf(`completion-${++opened}.ts`);
  await client.open(uri, text);
  return completionAt(client, uri, positionOf(text, marked));
}

/** A foreach whose variable is being written: artifacts set in `fan`, before it, after it, and a parameter. */
const FAN_FLOW = `import { FlowSpec, step, param, Inputs } from "tsflow";

export class FanFlow extends FlowSpec {
  rate = param({ default: 0.1, help: "a rate" });
  declare grid: number[];
  declare seen: number[];
  declare later: string;
  declare x: number;

  @step start() {
    this.seen = [1];
    this.next(this.fan);
  }

  @step fan() {
    this.grid = [1, 2];
    this.next(this.each, { foreach: "" });
  }

  @step each() {
    this.x = this.input as number;
    this.later = "a";
    this.next(this.join);
  }

  @step join(inputs: Inputs<FanFlow>) {
    this.next(this.end);
  }

  @step end() {}
}
`;

describe("completion over LSP", () => {
  test("artifact names in `foreach: \"`: the step's own first, then what is set before it and the parameters, then the rest", async (t) => {
    const client = await LspClient.start(t);
    const items = await completeIn(client, FAN_FLOW, 'foreach: "|"');
    assert.deepEqual(shown(items), [
      "grid: number[]",
      "seen: number[]",
      "rate: parameter: number",
      "later: string — not assigned in or before `fan`",
      "x: number — not assigned in or before `fan`",
    ]);
    assert.deepEqual(
      items?.map((i) => i.kind),
      [
        CompletionItemKind.Field,
        CompletionItemKind.Field,
        CompletionItemKind.Property,
        CompletionItemKind.Field,
        CompletionItemKind.Field,
      ],
    );
    assert.deepEqual(edit(items?.[0]), { range: lineRange(16, 37, 37), newText: "grid" });
    // A partly typed name is replaced whole, also the part after the cursor.
    const typed = await completeIn(client, FAN_FLOW.replace('foreach: ""', 'foreach: "grxd"'), 'foreach: "gr|xd"');
    assert.deepEqual(edit(typed?.[0]), { range: lineRange(16, 37, 41), newText: "grid" });
    assert.equal(typed?.[0].filterText, "grid");
    // Unclosed, as it is while being typed; single quotes as well.
    const open = await completeIn(client, FAN_FLOW.replace('foreach: "" });', "foreach: 'g"), "foreach: 'g|");
    assert.deepEqual(edit(open?.[0]), { range: lineRange(16, 37, 38), newText: "grid" });
  });

  test('`condition: "` offers the artifacts too, the one the step sets first', async (t) => {
    const client = await LspClient.start(t);
    const items = await completeIn(client, SWITCH_FLOW, 'condition: "ch|oice"');
    assert.deepEqual(shown(items), ["choice: string", "result: number — not assigned in or before `start`"]);
    assert.deepEqual(edit(items?.[0]), { range: lineRange(9, 57, 63), newText: "choice" });
  });

  test("`exclude: [`: names inside a string, quoted names between elements, never one listed already", async (t) => {
    const client = await LspClient.start(t);
    const inString = await completeIn(client, MERGE_FLOW, 'exclude: ["|y"]');
    assert.deepEqual(shown(inString), ["x: number", "y: number"]);
    assert.deepEqual(edit(inString?.[1]), { range: lineRange(23, 45, 46), newText: "y" });

    const between = MERGE_FLOW.replace('exclude: ["y"]', 'exclude: ["y", ]');
    const quoted = await completeIn(client, between, 'exclude: ["y", |]');
    assert.deepEqual(shown(quoted), ["x: number"]);
    assert.deepEqual(edit(quoted?.[0]), { range: lineRange(23, 49, 49), newText: '"x"' });

    const opening = await completeIn(client, MERGE_FLOW.replace('exclude: ["y"]', "exclude: [']"), "exclude: ['|]");
    assert.deepEqual(shown(opening), ["x: number", "y: number"]);

    // Broken over lines, as Prettier writes a long array.
    const multiline = MERGE_FLOW.replace(
      '{ exclude: ["y"] }',
      '{\n      exclude: [\n        "y",\n        "\n      ],\n    }',
    );
    const later = await completeIn(client, multiline, '"y",\n        "|');
    assert.deepEqual(shown(later), ["x: number"]);

    // A step's artifacts, for a join that is not yet wired: every name, in declaration order.
    const flat = MERGE_FLOW.replace(
      "this.next(this.join);\n  }\n\n  @step b()",
      "this.next(this.end);\n  }\n\n  @step b()",
    ).replace("this.y = 2;\n    this.next(this.join);", "this.y = 2;\n    this.next(this.end);");
    assert.deepEqual(shown(await completeIn(client, flat, 'exclude: ["|y"]')), ["x: number", "y: number"]);
  });

  test("step names in `this.next(`: the split's join first, then other valid steps, `end` and invalid ones last", async (t) => {
    const client = await LspClient.start(t);
    const branch = example("branch").replace(
      "this.x += 2;\n    this.next(this.join);",
      "this.x += 2;\n    this.next(this.);",
    );
    const items = await completeIn(client, branch, "this.x += 2;\n    this.next(this.|);");
    assert.deepEqual(shown(items), [
      "join: join step — joins `start`",
      "b: linear step",
      "end: end step — leaves the split of `start` unjoined",
      "start: start step — `start` cannot be a target",
      "a: linear step — the current step",
    ]);
    assert.equal(items?.[0].kind, CompletionItemKind.Method);
    assert.deepEqual(edit(items?.[0]), { range: lineRange(14, 19, 19), newText: "join" });

    // Right after `(` the item brings `this.`; a typed prefix is replaced.
    const bare = branch.replace("this.next(this.);", "this.next();");
    const withThis = await completeIn(client, bare, "this.x += 2;\n    this.next(|);");
    assert.deepEqual(edit(withThis?.[0]), { range: lineRange(14, 14, 14), newText: "this.join" });
    const partial = branch.replace("this.next(this.);", "this.next(this.jo);");
    assert.deepEqual(edit((await completeIn(client, partial, "this.x += 2;\n    this.next(this.jo|);"))?.[0]), {
      range: lineRange(14, 19, 21),
      newText: "join",
    });
    // Before an argument already there, insert: never eat its `this`.
    const before = await completeIn(client, example("branch"), "this.next(|this.a, this.b)");
    assert.deepEqual(edit(before?.[0]), { range: lineRange(9, 14, 14), newText: "this.a" });
  });

  test("steps that would close a cycle rank last; a step nothing leads to yet ranks first among the valid", async (t) => {
    const client = await LspClient.start(t);
    const chain = `import { FlowSpec, step } from "tsflow";

export class Chain extends FlowSpec {
  @step start() { this.next(this.a); }
  @step a() { this.next(this.b); }
  @step b() { this.next(this.c); }
  @step c() { this.next(); }
  @step orphan() { this.next(this.end); }
  @step end() {}
}
`;
    assert.deepEqual(shown(await completeIn(client, chain, "@step c() { this.next(|); }")), [
      "orphan: linear step",
      "end: end step",
      "start: start step — `start` cannot be a target",
      "a: linear step — would create a cycle: it leads to `c`",
      "b: linear step — would create a cycle: it leads to `c`",
      "c: linear step — the current step",
    ]);
  });

  test("a step named earlier in the same call ranks last; a switch's case values complete as steps", async (t) => {
    const client = await LspClient.start(t);
    const branch = example("branch").replace("this.next(this.a, this.b);", "this.next(this.a, this.);");
    assert.deepEqual(shown(await completeIn(client, branch, "this.next(this.a, this.|);")), [
      "b: linear step",
      "join: join step",
      "end: end step",
      "start: start step — the current step",
      "a: linear step — already named in this transition",
    ]);
    const cases = await completeIn(client, SWITCH_FLOW, "no: this.|b }");
    assert.deepEqual(shown(cases), [
      "b: linear step",
      "end: end step",
      "start: start step — the current step",
      "a: linear step — already named in this transition",
    ]);
    assert.deepEqual(edit(cases?.[0]), { range: lineRange(9, 38, 39), newText: "b" });
    const label = await completeIn(client, SWITCH_FLOW.replace("no: this.b }", "no:  }"), "no: | }");
    assert.deepEqual(edit(label?.[0]), { range: lineRange(9, 33, 33), newText: "this.b" });
    // Keys of the cases object and the options object are no places for a step.
    assert.equal(await completeIn(client, SWITCH_FLOW, "{ y|es: this.a"), null);
    assert.equal(await completeIn(client, SWITCH_FLOW, "{ cond|ition"), null);
  });

  test("in a nested foreach the inner join comes first, the outer join and `end` would mismatch", async (t) => {
    const client = await LspClient.start(t);
    const items = await completeIn(client, example("nested-foreach"), "this.next(this.|joinRates);");
    assert.deepEqual(shown(items), [
      "joinRates: join step — joins `perModel`",
      "joinModels: join step — joins `start`, not `perModel`",
      "end: end step — leaves the split of `perModel` unjoined",
      "start: start step — `start` cannot be a target",
      "perModel: foreach step — would create a cycle: it leads to `train`",
      "train: linear step — the current step",
    ]);
    assert.deepEqual(edit(items?.[0]), { range: lineRange(23, 19, 28), newText: "joinRates" });
  });

  test("decorators after `@` above a step: the missing ones, with their arguments as snippets", async (t) => {
    const client = await LspClient.start(t);
    const params = example("params").replace("  @retry({ times: 2 })", "  @\n  @retry({ times: 2 })");
    const items = await completeIn(client, params, "  @|\n  @retry");
    assert.deepEqual(
      items?.map((i) => [i.label, edit(i).newText, i.insertTextFormat, i.kind]),
      [
        ["catchError", 'catchError({ var: "${1:err}" })', InsertTextFormat.Snippet, CompletionItemKind.Function],
        ["timeout", "timeout({ seconds: ${1:60} })", InsertTextFormat.Snippet, CompletionItemKind.Function],
        ["resources", "resources({ memory: ${1:4096} })", InsertTextFormat.Snippet, CompletionItemKind.Function],
        [
          "environment",
          'environment({ vars: { ${1:KEY}: "${2:value}" } })',
          InsertTextFormat.Snippet,
          CompletionItemKind.Function,
        ],
        [
          "kubernetes",
          "kubernetes({ cpu: ${1:2}, memory: ${2:4096} })",
          InsertTextFormat.Snippet,
          CompletionItemKind.Function,
        ],
        ["slurm", 'slurm({ partition: "${1:batch}" })', InsertTextFormat.Snippet, CompletionItemKind.Function],
      ],
    );
    assert.deepEqual(edit(items?.[0]).range, lineRange(17, 3, 3));
    assert.equal(items?.[0].detail, "@catchError({ var })");
    assert.deepEqual(items?.[0].documentation, {
      kind: "markdown",
      value: "When the step fails for good, stores the error in the artifact `var` and goes on (Metaflow's `@catch`).",
    });

    // Above a one-line `@step b() {`, with a name begun: all seven, `retry` replacing what is typed.
    const branch = example("branch").replace("  @step b() {", "  @ret\n  @step b() {");
    const typed = await completeIn(client, branch, "  @ret|\n  @step b()");
    assert.deepEqual(
      typed?.map((i) => [i.label, edit(i).newText]),
      [
        ["retry", "retry({ times: ${1:3} })"],
        ["catchError", 'catchError({ var: "${1:err}" })'],
        ["timeout", "timeout({ seconds: ${1:60} })"],
        ["resources", "resources({ memory: ${1:4096} })"],
        ["environment", 'environment({ vars: { ${1:KEY}: "${2:value}" } })'],
        ["kubernetes", "kubernetes({ cpu: ${1:2}, memory: ${2:4096} })"],
        ["slurm", 'slurm({ partition: "${1:batch}" })'],
      ],
    );
    assert.deepEqual(edit(typed?.[0]).range, lineRange(17, 3, 6));
  });

  test("decorators above a plain method offer `@step` first; a name with arguments already gets no snippet", async (t) => {
    const client = await LspClient.start(t);
    const helper = example("hello").replace("  @step end() {}", "  @\n  helper() {}\n\n  @step end() {}");
    assert.deepEqual(
      (await completeIn(client, helper, "  @|\n  helper"))?.map((i) => `${i.label} ${edit(i).newText}`),
      [
        "step step",
        "retry retry({ times: ${1:3} })",
        'catchError catchError({ var: "${1:err}" })',
        "timeout timeout({ seconds: ${1:60} })",
        "resources resources({ memory: ${1:4096} })",
        'environment environment({ vars: { ${1:KEY}: "${2:value}" } })',
        "kubernetes kubernetes({ cpu: ${1:2}, memory: ${2:4096} })",
        'slurm slurm({ partition: "${1:batch}" })',
      ],
    );
    const retyped = await completeIn(client, example("params"), "@ret|ry({ times: 2 })");
    assert.deepEqual(
      retyped?.map((i) => [i.label, edit(i).newText, i.insertTextFormat]),
      [
        ["retry", "retry", InsertTextFormat.PlainText],
        ["catchError", "catchError", InsertTextFormat.PlainText],
        ["timeout", "timeout", InsertTextFormat.PlainText],
        ["resources", "resources", InsertTextFormat.PlainText],
        ["environment", "environment", InsertTextFormat.PlainText],
        ["kubernetes", "kubernetes", InsertTextFormat.PlainText],
        ["slurm", "slurm", InsertTextFormat.PlainText],
      ],
    );
    assert.deepEqual(edit(retyped?.[0]).range, lineRange(17, 3, 8));
  });

  test("no flow completion elsewhere: in code, a step's body, after a closed call, a file without a flow", async (t) => {
    const client = await LspClient.start(t);
    const hello = example("hello");
    assert.equal(await completeIn(client, hello, "console.log(|this.message)"), null);
    assert.equal(await completeIn(client, hello, "this.next(this.hello)|;"), null);
    assert.equal(await completeIn(client, hello, 'this.message = "|hello"'), null);
    const inBody = hello.replace("    console.log(this.message);", "    @\n    helper();");
    assert.equal(await completeIn(client, inBody, "    @|\n    helper"), null);
    assert.equal(await completeIn(client, 'export const o = { foreach: "" };\n', 'foreach: "|"'), null);
    assert.equal(await completionAt(client, uriOf("never-opened.ts"), { line: 0, character: 0 }), null);
  });

  test("a document with syntax errors: what can be told still completes, nothing crashes", async (t) => {
    const client = await LspClient.start(t);
    // The unclosed string swallows the rest of the class: the declarations still name the artifacts.
    const broken = example("branch").replace("this.next(this.a, this.b);", 'this.next(this.a, { foreach: "');
    assert.deepEqual(shown(await completeIn(client, broken, 'foreach: "|')), [
      "x: number",
      "out: number — not assigned in or before `start`",
    ]);
    // An unclosed `this.next(` in one step, the rest of the file intact.
    const open = example("branch").replace(
      "this.x += 3;\n    this.next(this.join);",
      "this.x += 3;\n    this.next(this.",
    );
    assert.deepEqual(shown(await completeIn(client, open, "this.x += 3;\n    this.next(this.|")), [
      "join: join step — joins `start`",
      "a: linear step",
      "end: end step — leaves the split of `start` unjoined",
      "start: start step — `start` cannot be a target",
      "b: linear step — the current step",
    ]);
    // A bare `@` turns the step below into a syntax error: the text still tells the decorators.
    const bare = example("params").replace("  @catchError", "  @\n  @catchError");
    assert.deepEqual(
      (await completeIn(client, bare, "  @|\n  @catchError"))?.map((i) => i.label),
      ["retry", "resources", "environment", "kubernetes", "slurm"],
    );
  });

  test("a step that runs on Kubernetes is not offered @slurm, nor the other way round", async (t) => {
    const client = await LspClient.start(t);
    const onKubernetes = example("hello").replace(
      "  @step end() {}",
      "  @\n  @kubernetes({ cpu: 2 })\n  @step end() {}",
    );
    const labels = (await completeIn(client, onKubernetes, "  @|\n  @kubernetes"))?.map((i) => i.label);
    assert.deepEqual(labels, ["retry", "catchError", "timeout", "resources", "environment"]);
    const onSlurm = example("hello").replace("  @step end() {}", "  @\n  @slurm\n  @step end() {}");
    const others = (await completeIn(client, onSlurm, "  @|\n  @slurm"))?.map((i) => i.label);
    assert.deepEqual(others, ["retry", "catchError", "timeout", "resources", "environment"]);
  });

  test("hover, definition and completion answer within 30 ms (p95) on a 300-line flow", async (t) => {
    const client = await LspClient.start(t);
    const text = generateFlow(300);
    const uri = uriOf("big.ts");
    await client.open(uri, text);
    await client.diagnostics(uri, 1);
    const requests = [
      () => hoverAt(client, uri, positionOf(text, "this.next(this.left_|0, this.right_0)")),
      () => hoverAt(client, uri, positionOf(text, "declare gr|id")),
      () => definitionAt(client, uri, positionOf(text, 'foreach: "gr|id"')),
      () => completionAt(client, uri, positionOf(text, "this.next(this.|left_0, this.right_0)")),
      () => completionAt(client, uri, positionOf(text, 'foreach: "|grid"')),
    ];
    const times: number[] = [];
    for (let round = 0; round < 40; round++) {
      for (const request of requests) {
        const started = performance.now();
        assert.notEqual(await request(), null);
        times.push(performance.now() - started);
      }
    }
    times.sort((a, b) => a - b);
    const p95 = times[Math.floor(times.length * 0.95)];
    t.diagnostic(
      `p95 ${p95.toFixed(2)} ms, median ${times[times.length >> 1].toFixed(2)} ms over ${times.length} requests`,
    );
    assert.ok(p95 <= 30, `p95 ${p95.toFixed(1)} ms`);
  });
});
