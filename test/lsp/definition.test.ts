import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { invalidExamples, validExamples } from "../support/examples";
import { definitionAt, lineRange, LspClient, MERGE_FLOW, positionOf, SWITCH_FLOW, uriOf } from "../support/lsp";

const example = (name: string) => validExamples().find((e) => e.name === name)!.text;
const invalid = (name: string) => invalidExamples().find((e) => e.name === name)!.text;

/** Opens `text`; the returned function answers the ranges go-to-definition offers at a marked place. */
async function opened(client: LspClient, name: string, text: string) {
  const uri = uriOf(name);
  await client.open(uri, text);
  return async (marked: string) => {
    const locations = await definitionAt(client, uri, positionOf(text, marked));
    if (locations === null) return null;
    for (const location of locations) assert.equal(location.uri, uri, "definitions stay in the document");
    return locations.map((l) => l.range);
  };
}

describe("go to definition over LSP", () => {
  test("a foreach or condition string: the assignments that make the artifact", async (t) => {
    const client = await LspClient.start(t);
    const foreach = await opened(client, "foreach.ts", example("foreach"));
    assert.deepEqual(await foreach('foreach: "gr|id"'), [lineRange(9, 4, 13)]);
    assert.deepEqual(await foreach('foreach: |"grid"'), [lineRange(9, 4, 13)], "on the opening quote too");
    const churn = await opened(client, "churn.ts", example("churn"));
    assert.deepEqual(await churn('foreach: "grid|"'), [lineRange(65, 4, 13)]);
    const choice = await opened(client, "switch.ts", SWITCH_FLOW);
    assert.deepEqual(await choice('condition: "c|hoice"'), [lineRange(8, 4, 15)]);
  });

  test("`inputs.a` goes to the step `a`; `exclude` strings to every assignment, in source order", async (t) => {
    const client = await LspClient.start(t);
    const merge = await opened(client, "merge.ts", MERGE_FLOW);
    assert.deepEqual(await merge("inputs.|a.x"), [lineRange(11, 8, 9)]);
    assert.deepEqual(await merge("inputs.b|.x"), [lineRange(17, 8, 9)]);
    assert.deepEqual(await merge('exclude: ["y|"]'), [lineRange(13, 4, 10), lineRange(18, 4, 10)]);
    assert.equal(await merge("inputs.a.|x"), null, "a task's artifact is typed: TypeScript's");
  });

  test("an artifact nobody assigns: its declaration; a @catchError var: the field, not itself", async (t) => {
    const client = await LspClient.start(t);
    const missing = await opened(client, "missing.ts", invalid("foreach-var-missing"));
    assert.deepEqual(await missing('foreach: "g|rid"'), [lineRange(4, 2, 25)]);
    const params = await opened(client, "params.ts", example("params"));
    assert.deepEqual(await params('{ var: "er|r" }'), [lineRange(8, 2, 23)]);

    const source = `import { FlowSpec, step, param, catchError } from "tsflow";

export class C extends FlowSpec {
  items = param({ default: [1, 2], help: "what to fan out over" });
  declare err: unknown;

  @step start() {
    this.next(this.a, { foreach: "items" });
  }

  @catchError({ var: "err" })
  @step a() {
    this.err = null;
    this.next(this.join);
  }

  @step join(inputs: unknown) {
    this.mergeArtifacts(inputs, { exclude: ["err", "nowhere"] });
    this.next(this.end);
  }

  @step end() {}
}
`;
    const inline = await opened(client, "c.ts", source);
    assert.deepEqual(await inline('foreach: "it|ems"'), [lineRange(3, 2, 7)], "a parameter: its declaration");
    assert.deepEqual(await inline('{ var: "e|rr" }'), [lineRange(12, 4, 12)], "the other assignment");
    assert.deepEqual(
      await inline('exclude: ["e|rr"'),
      [lineRange(10, 2, 29), lineRange(12, 4, 12)],
      "@catchError counts as an assignment",
    );
    assert.equal(await inline('"nowh|ere"'), null, "named nowhere: nothing to go to");
  });

  test("what TypeScript resolves itself answers null: `this.a`, `this.x`, `this.param`, names at their declaration", async (t) => {
    const client = await LspClient.start(t);
    const branch = await opened(client, "branch.ts", example("branch"));
    assert.equal(await branch("this.next(this.|join);\n  }\n\n  @step b()"), null);
    assert.equal(await branch("this.|x += 2"), null);
    assert.equal(await branch("@step jo|in("), null);
    assert.equal(await branch("declare o|ut"), null);
    const params = await opened(client, "params.ts", example("params"));
    assert.equal(await params("${this.al|pha}"), null);
    assert.equal(await params("al|pha = param"), null);
    assert.equal(await params("current.retry|Count + 1"), null);
  });

  test("a document with syntax errors still resolves what parses, and unknown documents answer null", async (t) => {
    const client = await LspClient.start(t);
    const broken = `${example("foreach").replace("@step end() {}", "@step end() {")}`;
    const flow = await opened(client, "broken.ts", broken);
    assert.deepEqual(await flow('foreach: "gr|id"'), [lineRange(9, 4, 13)]);
    assert.equal(await definitionAt(client, uriOf("never-opened.ts"), { line: 0, character: 0 }), null);
  });
});
