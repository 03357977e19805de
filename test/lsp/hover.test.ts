import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { invalidExamples, validExamples } from "../support/examples";
import { hoverAt, hoverTextAt, lineRange, LspClient, MERGE_FLOW, positionOf, SWITCH_FLOW, uriOf } from "../support/lsp";

const example = (name: string) => validExamples().find((e) => e.name === name)!.text;
const invalid = (name: string) => invalidExamples().find((e) => e.name === name)!.text;

/** Opens `text` and returns a function that hovers at a marked place and gives the markdown. */
async function opened(client: LspClient, name: string, text: string) {
  const uri = uriOf(name);
  await client.open(uri, text);
  return {
    uri,
    text: (marked: string) => hoverTextAt(client, uri, positionOf(text, marked)),
    range: async (marked: string) => (await hoverAt(client, uri, positionOf(text, marked)))?.range,
  };
}

describe("hover over LSP", () => {
  test("a step's name: its kind, where it comes from and goes to, and its decorators", async (t) => {
    const client = await LspClient.start(t);
    const branch = await opened(client, "branch.ts", example("branch"));
    assert.equal(
      await branch.text("@step st|art() {"),
      "**`start`** — start step of `BranchFlow`\n\n- to: `a`, `b` (static branch)",
    );
    assert.equal(
      await branch.text("@step jo|in(inputs"),
      "**`join`** — join step of `BranchFlow`\n\n- from: `a`, `b`\n- to: `end`",
    );
    assert.deepEqual(await branch.range("@step jo|in(inputs"), lineRange(22, 8, 12));
    assert.equal(await branch.text("@step |end() {}"), "**`end`** — end step of `BranchFlow`\n\n- from: `join`");

    const foreach = await opened(client, "foreach.ts", example("foreach"));
    assert.equal(
      await foreach.text("@step sta|rt() {"),
      "**`start`** — start step of `ForeachFlow`\n\n- to: `a` (one task per element of `grid`)",
    );
    assert.equal(
      await foreach.text("@step a|() {"),
      [
        "**`a`** — linear step of `ForeachFlow`",
        "",
        "- from: `start` (one task per element of `grid`)",
        "- to: `join`",
        "- decorators: `@resources({ memory: 10000 })`",
      ].join("\n"),
    );

    const params = await opened(client, "params.ts", example("params"));
    assert.equal(
      await params.text("@step ris|ky() {"),
      [
        "**`risky`** — linear step of `ParamsFlow`",
        "",
        "- from: `flaky`",
        "- to: `end`",
        '- decorators: `@catchError({ var: "err" })`, `@timeout({ seconds: 30 })`',
      ].join("\n"),
    );
  });

  test("a switch: its cases and condition, the doc comment, and how each case is reached", async (t) => {
    const client = await LspClient.start(t);
    const flow = await opened(client, "switch.ts", SWITCH_FLOW);
    assert.equal(
      await flow.text("@step |start() {"),
      [
        "**`start`** — start step of `SwitchFlow`",
        "",
        "Picks a branch.",
        "",
        '- to: `"yes"` → `a`, `"no"` → `b` (picked by `choice`)',
      ].join("\n"),
    );
    assert.equal(
      await flow.text("@step b|() {"),
      '**`b`** — linear step of `SwitchFlow`\n\n- from: `start` (when `choice` is `"no"`)\n- to: `end`',
    );
    // A case's target in `this.next({ yes: this.a, ... })` is the step too.
    assert.equal(
      await flow.text("yes: this.|a"),
      '**`a`** — linear step of `SwitchFlow`\n\n- from: `start` (when `choice` is `"yes"`)\n- to: `end`',
    );
    assert.equal(
      await flow.text('condition: "ch|oice"'),
      [
        "**`choice`** — artifact of `SwitchFlow`: `string`",
        "",
        "- assigned in: `start`",
        "- read in: `b`",
        "- switch on it in: `start`",
      ].join("\n"),
    );
    assert.deepEqual(await flow.range('condition: "ch|oice"'), lineRange(9, 56, 64));
  });

  test("a `this.next` target: the step, over its name only; `this.` is left to TypeScript", async (t) => {
    const client = await LspClient.start(t);
    const branch = await opened(client, "branch.ts", example("branch"));
    const marked = "x += 2;\n    this.next(this.jo|in);";
    assert.equal(await branch.text(marked), "**`join`** — join step of `BranchFlow`\n\n- from: `a`, `b`\n- to: `end`");
    assert.deepEqual(await branch.range(marked), lineRange(14, 19, 23));
    assert.equal(await branch.text("x += 2;\n    this.next(th|is.join);"), null);
    assert.equal(await branch.text("x += 2;\n    this.ne|xt(this.join);"), null);
  });

  test("a target that names no step says so; a step nothing leads to says that", async (t) => {
    const client = await LspClient.start(t);
    const typo = await opened(client, "typo.ts", invalid("unknown-step"));
    assert.equal(await typo.text("this.next(this.tri|an)"), "`trian` is not a step of `TypoFlow`");
    assert.equal(
      await typo.text("@step tr|ain() {"),
      "**`train`** — linear step of `TypoFlow`\n\n- from: no step yet\n- to: `end`",
    );
  });

  test("an artifact in code, in its declaration and in a foreach string: who assigns and reads it, its type", async (t) => {
    const client = await LspClient.start(t);
    const branch = await opened(client, "branch.ts", example("branch"));
    const x = "**`x`** — artifact of `BranchFlow`: `number`\n\n- assigned in: `start`, `a`, `b`\n- read in: `a`, `b`";
    assert.equal(await branch.text("this.|x += 2;"), x);
    assert.deepEqual(await branch.range("this.|x += 2;"), lineRange(13, 9, 10));
    assert.equal(await branch.text("declare |x: number;"), x);
    assert.deepEqual(await branch.range("declare |x: number;"), lineRange(4, 10, 11));
    assert.equal(await branch.text("|this.x += 2;"), null, "`this` is TypeScript's");
    assert.equal(await branch.text("declare x: num|ber;"), null, "the type is TypeScript's");

    const foreach = await opened(client, "foreach.ts", example("foreach"));
    const grid = [
      "**`grid`** — artifact of `ForeachFlow`: `string[]`",
      "",
      "- assigned in: `start`",
      "- foreach over it in: `start`",
    ].join("\n");
    assert.equal(await foreach.text('foreach: "g|rid"'), grid);
    assert.deepEqual(await foreach.range('foreach: "g|rid"'), lineRange(10, 33, 39));
    assert.equal(await foreach.text("this.g|rid = "), grid);
  });

  test("an artifact filled by @catchError, one never assigned, and one named in `exclude`", async (t) => {
    const client = await LspClient.start(t);
    const params = await opened(client, "params.ts", example("params"));
    const err = "**`err`** — artifact of `ParamsFlow`: `unknown`\n\n- assigned in: `risky` (by `@catchError`)";
    assert.equal(await params.text('@catchError({ var: "e|rr" })'), err);
    assert.deepEqual(await params.range('@catchError({ var: "e|rr" })'), lineRange(25, 21, 26));
    assert.equal(await params.text("declare e|rr: unknown;"), err);

    const missing = await opened(client, "missing.ts", invalid("foreach-var-missing"));
    assert.equal(
      await missing.text('foreach: "|grid"'),
      "**`grid`** — artifact of `NoGridFlow`: `number[]`\n\n- assigned in: no step\n- foreach over it in: `start`",
    );

    const merge = await opened(client, "merge.ts", MERGE_FLOW);
    assert.equal(
      await merge.text('exclude: ["|y"]'),
      "**`y`** — artifact of `MergeFlow`: `number`\n\n- assigned in: `a`, `b`",
    );
    assert.deepEqual(await merge.range('exclude: ["|y"]'), lineRange(23, 44, 47));
  });

  test("`inputs.a` in a join is the step `a`", async (t) => {
    const client = await LspClient.start(t);
    const merge = await opened(client, "merge.ts", MERGE_FLOW);
    assert.equal(
      await merge.text("inputs.|a.x"),
      "**`a`** — linear step of `MergeFlow`\n\n- from: `start`\n- to: `join`",
    );
    assert.deepEqual(await merge.range("inputs.|a.x"), lineRange(24, 20, 21));
    assert.equal(await merge.text("inputs.a.|x"), null, "a member of a task is TypeScript's");
    assert.equal(await merge.text("this.mergeArtifacts(in|puts"), null);
  });

  test("a parameter, by its name or `this.name`: type, default, help and its readers", async (t) => {
    const client = await LspClient.start(t);
    const params = await opened(client, "params.ts", example("params"));
    assert.equal(
      await params.text("al|pha = param("),
      [
        "**`alpha`** — parameter of `ParamsFlow`: `number`, default `0.01`",
        "",
        "learning rate",
        "",
        "- set with `--alpha VALUE`",
        "- read in: `end`",
      ].join("\n"),
    );
    assert.deepEqual(await params.range("al|pha = param("), lineRange(4, 2, 7));
    assert.equal(
      await params.text("${this.na|me}"),
      [
        '**`name`** — parameter of `ParamsFlow`: `string`, default `"demo"`',
        "",
        "a label for this run",
        "",
        "- set with `--name VALUE`",
        "- read in: `end`",
      ].join("\n"),
    );

    const source = `import { FlowSpec, step, param } from "tsflow";

export class P extends FlowSpec {
  when = param({ default: Date.now(), help: "a *start* time" });
  token = param({ type: "string", required: true });
  @step start() { this.next(this.end); }
  @step end() {}
}
`;
    const inline = await opened(client, "p.ts", source);
    assert.equal(
      await inline.text("wh|en = param"),
      // The analyzer types a parameter by its default's literal, and reads a non-literal as a string.
      "**`when`** — parameter of `P`: `json`, default computed at run time: `Date.now()`\n\na \\*start\\* time\n\n- set with `--when VALUE`",
    );
    assert.equal(
      await inline.text("tok|en = param"),
      "**`token`** — parameter of `P`: `string`, required\n\n- set with `--token VALUE`",
    );
  });

  test("a TSFlow decorator: its signature and what it does, @kubernetes and @slurm among them", async (t) => {
    const client = await LspClient.start(t);
    const text = example("hello")
      .replace("import { FlowSpec, step", "import { FlowSpec, step, kubernetes, slurm")
      .replace("  @step end() {}", '  @slurm({ partition: "gpu" })\n  @step end() {}');
    const source = text.replace("  @step start()", "  @kubernetes({ cpu: 2 })\n  @step start()");
    const remote = await opened(client, "remote.ts", source);
    assert.equal(
      await remote.text("@kuber|netes({ cpu: 2 })"),
      [
        "**`@kubernetes({ cpu, memory, gpu, image, namespace, nodeSelector, tolerations, serviceAccount, secrets })`** — TSFlow step decorator",
        "",
        "Runs the step's tasks as Kubernetes Jobs, one per task; the local scheduler stays in charge. Needs a shared (S3) datastore; `secrets` names Kubernetes Secrets, never copied.",
      ].join("\n"),
    );
    assert.match(
      (await remote.text('@slurm({ partition: "g|pu" })')) ?? "",
      /^\*\*`@slurm\(\{ partition, cpu, memory, gpu, time, account \}\)`\*\*/,
    );
    const line = positionOf(source, "|@kubernetes").line;
    assert.deepEqual(await remote.range("@kuber|netes({ cpu: 2 })"), lineRange(line, 2, 25));
  });

  test("nothing flow-specific: no hover; unknown documents and files without flows: none either", async (t) => {
    const client = await LspClient.start(t);
    const hello = await opened(client, "hello.ts", example("hello"));
    assert.equal(await hello.text("import { Flow|Spec"), null);
    assert.equal(await hello.text("console.lo|g(this.message)"), null);
    assert.equal(await hello.text("export class Hello|Flow"), null);
    assert.equal(await hoverTextAt(client, uriOf("never-opened.ts"), { line: 0, character: 0 }), null);
    const plain = await opened(client, "plain.ts", "export const x = { foreach: 'grid' };\n");
    assert.equal(await plain.text("fore|ach"), null);
  });

  test("a document with syntax errors: what still parses hovers, the rest answers null, the server lives", async (t) => {
    const client = await LspClient.start(t);
    const broken = example("branch").replace("this.next(this.a, this.b);", 'this.next(this.a, { foreach: "');
    const flow = await opened(client, "broken.ts", broken);
    assert.equal(await flow.text("@step sta|rt() {"), "**`start`** — start step of `BranchFlow`\n\n- to: `a`");
    assert.equal(await flow.text("@step jo|in("), null, "swallowed by the unclosed string");
    assert.equal(
      await flow.text("declare o|ut"),
      "**`out`** — artifact of `BranchFlow`: `number`\n\n- assigned in: no step",
    );
    const branch = await opened(client, "branch.ts", example("branch"));
    assert.equal(await branch.text("@step |end() {}"), "**`end`** — end step of `BranchFlow`\n\n- from: `join`");
  });
});
