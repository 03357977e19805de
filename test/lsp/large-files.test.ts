import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { generateFlow } from "../../bench/generate-flow";
import { LspClient, uriOf } from "../support/lsp";

describe("large and crowded files", () => {
  test("a 5,000-line flow gets its diagnostics and graph", async (t) => {
    const client = await LspClient.start(t);
    const uri = uriOf("huge.ts");
    const text = generateFlow(5000);
    assert.ok(text.split("\n").length >= 4990);
    await client.open(uri, text.replace("this.next(this.merge);", "this.next(this.mrege);"), 1);
    const diagnostics = await client.diagnostics(uri, 1);
    assert.deepEqual([...new Set(diagnostics.map((d) => d.code))], ["unknown-step"]);
    const graph = await client.graph(uri, 1);
    assert.equal(graph.analysis.flows[0].graph.steps.length, 2 * Math.round((5000 - 39) / 16) + 5);
  });

  test("a file with 10 flows analyzes each on its own", async (t) => {
    const client = await LspClient.start(t);
    const uri = uriOf("ten.ts");
    const flows = Array.from({ length: 10 }, (_, i) => generateFlow(60, `Flow${i}`).replace(/^import .*\n/, ""));
    const broken = flows.map((f, i) => (i === 7 ? f.replace("this.next(this.end);", "this.next(this.ned);") : f));
    await client.open(
      uri,
      `import { FlowSpec, step, param, retry, resources, Inputs } from "tsflow";\n${broken.join("\n")}`,
      1,
    );
    const diagnostics = await client.diagnostics(uri, 1);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, (d.data as { flow: string }).flow]),
      [["unknown-step", "Flow7"]],
    );
    assert.equal((await client.graph(uri, 1)).analysis.flows.length, 10);
  });
});
