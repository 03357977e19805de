import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DocumentSymbolRequest, SymbolKind, type DocumentSymbol, type Range } from "vscode-languageserver-protocol";
import { validExamples } from "../support/examples";
import { LspClient, uriOf } from "../support/lsp";

/** Two flows: a branch, a join that switches, stacked decorators, parameters, a foreach, a step with no transition. */
const SHAPES = `import { FlowSpec, step, param, retry, Inputs } from "tsflow";

export class ShapesFlow extends FlowSpec {
  alpha = param({ default: 0.5, help: "rate" });
  declare choice: string;
  label = param<string>({ type: "string", help: "required" });

  @step start() {
    this.next(this.a, this.b);
  }
  @step a() { this.next(this.join); }
  @step b() { this.next(this.join); }
  @step join(inputs: Inputs<ShapesFlow>) {
    this.choice = "yes";
    this.next({ yes: this.fit, no: this.end }, { condition: "choice" });
  }
  @retry({ times: 1 })
  @step fit() { this.next(this.end); }
  @step end() {}
}

export class LoopFlow extends FlowSpec {
  declare items: number[];
  @step start() { this.items = [1]; this.next(this.each, { foreach: "items" }); }
  @step each() {}
  @step end() {}
}
`;

/** SymbolKind's names by value: `5` → "Class". */
const kindName: Record<number, string> = Object.fromEntries(
  Object.entries(SymbolKind).map(([name, value]) => [value, name]),
);

/** A symbol tree as one line per node: kind, name, detail, "range | selection range", children indented. */
function outline(symbols: DocumentSymbol[], depth = 0): string[] {
  const at = (r: Range) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
  return symbols.flatMap((s) => [
    `${"  ".repeat(depth)}${kindName[s.kind]} ${s.name} "${s.detail}" ${at(s.range)} | ${at(s.selectionRange)}`,
    ...outline(s.children ?? [], depth + 1),
  ]);
}

describe("document symbols over LSP", () => {
  let client: LspClient;
  const cleanups: Array<() => Promise<void> | void> = [];
  before(async () => {
    client = await LspClient.start({ after: (fn) => cleanups.push(fn) });
  });
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  const symbolsOf = async (name: string, text: string) => {
    const uri = uriOf(name);
    await client.open(uri, text);
    const symbols = await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } });
    return symbols as DocumentSymbol[] | null;
  };

  test("flows are classes; parameters and steps their children in source order, with kind and transition", async () => {
    const symbols = await symbolsOf("shapes.ts", SHAPES);
    assert.deepEqual(outline(symbols!), [
      `Class ShapesFlow "flow · 6 steps" 2:0-19:1 | 2:13-2:23`,
      `  Property alpha "number = 0.5" 3:2-3:48 | 3:2-3:7`,
      `  Property label "string, required" 5:2-5:62 | 5:2-5:7`,
      `  Method start "start (split) → a, b" 7:2-9:3 | 7:8-7:13`,
      `  Method a "linear → join" 10:2-10:37 | 10:8-10:9`,
      `  Method b "linear → join" 11:2-11:37 | 11:8-11:9`,
      `  Method join "join (switch) → yes: fit, no: end" 12:2-15:3 | 12:8-12:12`,
      `  Method fit "linear → end" 16:2-17:38 | 17:8-17:11`,
      `  Method end "end" 18:2-18:16 | 18:8-18:11`,
      `Class LoopFlow "flow · 3 steps" 21:0-26:1 | 21:13-21:21`,
      `  Method start "start (foreach) → each" 23:2-23:81 | 23:8-23:13`,
      `  Method each "linear" 24:2-24:17 | 24:8-24:12`,
      `  Method end "end" 25:2-25:16 | 25:8-25:11`,
    ]);
  });

  test("a foreach step reads `foreach → fit`, as in the churn example", async () => {
    const churn = validExamples().find((e) => e.name === "churn")!.text;
    const [flow] = (await symbolsOf("churn.ts", churn))!;
    assert.deepEqual(
      flow.children!.map((s) => [s.name, s.kind, s.detail]),
      [
        ["customers", SymbolKind.Property, "number = 2000"],
        ["epochs", SymbolKind.Property, "number = 20"],
        ["seed", SymbolKind.Property, "number = 7"],
        ["start", SymbolKind.Method, "start → features"],
        ["features", SymbolKind.Method, "foreach → fit"],
        ["fit", SymbolKind.Method, "linear → choose"],
        ["choose", SymbolKind.Method, "join → end"],
        ["end", SymbolKind.Method, "end"],
      ],
    );
  });

  test("a file without a flow has no symbols of ours; an unknown document gets null", async () => {
    assert.deepEqual(await symbolsOf("plain.ts", "export class NotAFlow {}\n"), []);
    assert.equal(
      await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: uriOf("never.ts") } }),
      null,
    );
  });

  test("the outline follows edits: a renamed step is renamed in the symbols of the new version", async () => {
    const uri = uriOf("edited.ts");
    const text = validExamples().find((e) => e.name === "hello")!.text;
    await client.open(uri, text);
    await client.change(uri, 2, text.replaceAll("hello", "greet"));
    const [flow] = (await client.connection.sendRequest(DocumentSymbolRequest.type, {
      textDocument: { uri },
    })) as DocumentSymbol[];
    assert.deepEqual(
      flow.children!.map((s) => s.name),
      ["start", "greet", "end"],
    );
  });
});
