import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DiagnosticSeverity } from "vscode-languageserver-protocol";
import { FlowGraphRequest } from "../../server/src/protocol";
import { invalidExamples, validExamples } from "../support/examples";
import { LspClient, messageOf, uriOf } from "../support/lsp";

const example = (name: string) => validExamples().find((e) => e.name === name)!.text;
const invalid = (name: string) => invalidExamples().find((e) => e.name === name)!.text;

describe("diagnostics over LSP", () => {
  test("every analyzer code reaches the editor with its code, severity, range, version and related steps", async (t) => {
    const client = await LspClient.start(t);
    const uri = uriOf("typo.ts");
    await client.open(uri, invalid("unknown-step"), 3);
    const [diagnostic, ...rest] = await client.diagnostics(uri, 3);
    assert.deepEqual(rest, []);
    assert.equal(diagnostic.code, "unknown-step");
    assert.equal(diagnostic.source, "tsflow");
    assert.equal(diagnostic.severity, DiagnosticSeverity.Error);
    assert.deepEqual(diagnostic.range, { start: { line: 8, character: 14 }, end: { line: 8, character: 24 } });
    assert.deepEqual(diagnostic.data, { flow: "TypoFlow", step: "start", suggestion: "train" });

    const cycle = uriOf("cycle.ts");
    await client.open(
      cycle,
      `import { FlowSpec, step } from "tsflow";
export class LoopFlow extends FlowSpec {
  @step start() { this.next(this.a); }
  @step a() { this.next(this.b); }
  @step b() { this.next(this.a); }
  @step end() {}
}
`,
    );
    const found = await client.diagnostics(cycle, 1);
    const loop = found.find((d) => d.code === "cycle")!;
    assert.deepEqual(
      loop.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line, r.message]),
      [
        [cycle, 3, "`a` is part of the loop"],
        [cycle, 4, "`b` is part of the loop"],
      ],
    );
  });

  test("a file that breaks and heals clears its diagnostics; the graph follows", async (t) => {
    const client = await LspClient.start(t);
    const uri = uriOf("hello.ts");
    const good = example("hello");
    await client.open(uri, good, 1);
    assert.deepEqual(await client.diagnostics(uri, 1), []);
    assert.equal((await client.graph(uri, 1)).analysis.flows[0].graph.name, "HelloFlow");
    await client.change(uri, 2, good.replace("this.next(this.end)", "this.next(this.ned)"));
    assert.deepEqual(
      (await client.diagnostics(uri, 2)).map((d) => d.code),
      ["unknown-step"],
    );
    await client.change(uri, 3, good);
    assert.deepEqual(await client.diagnostics(uri, 3), []);
    const graph = await client.graph(uri, 3);
    assert.deepEqual(graph.analysis.flows[0].diagnostics, []);
  });

  test("incremental edits apply to the server's copy of the document", async (t) => {
    const client = await LspClient.start(t);
    const uri = uriOf("branch.ts");
    const text = example("branch");
    await client.open(uri, text, 1);
    await client.diagnostics(uri, 1);
    const line = text.split("\n").findIndex((l) => l.includes("this.next(this.a, this.b)"));
    const character = text.split("\n")[line].indexOf("this.b") + "this.".length;
    await client.change(uri, 2, [
      { range: { start: { line, character }, end: { line, character: character + 1 } }, text: "bb" },
    ]);
    const [diagnostic] = await client.diagnostics(uri, 2);
    assert.equal(diagnostic.code, "unknown-step");
    assert.match(messageOf(diagnostic), /`bb` is not a step of this flow: did you mean `b`\?/);
  });

  test("a burst of 100 edits sent without waiting ends with the last version's results, never older ones after", async (t) => {
    const client = await LspClient.start(t);
    const uri = uriOf("burst.ts");
    const text = example("hello");
    await client.open(uri, text, 1);
    for (let version = 2; version <= 101; version++) {
      const broken = version % 2 === 0 ? text.replace("this.next(this.end)", `this.next(this.e${version})`) : text;
      void client.change(uri, version, broken);
    }
    assert.deepEqual(await client.diagnostics(uri, 101), []);
    const versions = client.published.filter((p) => p.uri === uri).map((p) => p.version!);
    assert.deepEqual(
      versions,
      [...versions].sort((a, b) => a - b),
      "versions only grow",
    );
    assert.ok(versions.length < 50, `superseded versions were skipped (${versions.length} publications)`);
    await client.graph(uri, 101);
    const graphs = client.graphs.filter((g) => g.uri === uri).map((g) => g.version);
    assert.deepEqual(
      graphs,
      [...graphs].sort((a, b) => a - b),
    );
  });

  test("an analyzer crash is reported on that document and the server keeps serving", async (t) => {
    const client = await LspClient.start(t, { env: { TSFLOW_SERVER_FAULT: "CRASH-ME" } });
    const bad = uriOf("bad.ts");
    await client.open(bad, `${example("hello")}\n// CRASH-ME\n`, 1);
    const [failure] = await client.diagnostics(bad, 1);
    assert.equal(failure.code, "analysis-failed");
    assert.match(messageOf(failure), /TSFlow could not analyze this file \(injected fault \(CRASH-ME\)\)/);
    const good = uriOf("good.ts");
    await client.open(good, invalid("join-needs-inputs"), 1);
    assert.deepEqual(
      (await client.diagnostics(good, 1)).map((d) => d.code),
      ["join-needs-inputs"],
    );
    await client.change(bad, 2, example("hello"));
    assert.deepEqual(await client.diagnostics(bad, 2), []);
  });

  test("files without a flow cost nothing and get no graph; closing clears a document", async (t) => {
    const client = await LspClient.start(t);
    const plain = uriOf("plain.ts");
    await client.open(plain, "export const x: number = 1;\n");
    assert.deepEqual(await client.diagnostics(plain, 1), []);
    assert.equal(client.graphs.filter((g) => g.uri === plain).length, 0);
    const uri = uriOf("typo.ts");
    await client.open(uri, invalid("unknown-step"));
    assert.equal((await client.diagnostics(uri, 1)).length, 1);
    const cleared = client.diagnostics(uri);
    client.published.length = 0;
    await client.close(uri);
    assert.deepEqual(await cleared.then(() => client.diagnostics(uri)), []);
  });

  test("tsflow/flowGraph answers with the analysis the CLI prints, for one flow or all", async (t) => {
    const client = await LspClient.start(t);
    const uri = uriOf("two.ts");
    const two = `${example("hello")}\nexport class OtherFlow extends FlowSpec {\n  @step start() { this.next(this.end); }\n  @step end() {}\n}\n`;
    await client.open(uri, two, 4);
    const all = await client.connection.sendRequest(FlowGraphRequest, { textDocument: { uri } });
    assert.equal(all?.version, 4);
    assert.deepEqual(
      all?.analysis.flows.map((f) => f.graph.name),
      ["HelloFlow", "OtherFlow"],
    );
    const one = await client.connection.sendRequest(FlowGraphRequest, { textDocument: { uri }, flow: "OtherFlow" });
    assert.deepEqual(
      one?.analysis.flows.map((f) => f.graph.name),
      ["OtherFlow"],
    );
    assert.equal(
      await client.connection.sendRequest(FlowGraphRequest, { textDocument: { uri: uriOf("never-opened.ts") } }),
      null,
    );
  });
});
