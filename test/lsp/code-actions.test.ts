import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CodeActionKind, CodeActionRequest, type CodeAction, type Diagnostic } from "vscode-languageserver-protocol";
import { TextDocument } from "vscode-languageserver-textdocument";
import { invalidExamples } from "../support/examples";
import { LspClient, uriOf } from "../support/lsp";

const invalid = (name: string) => invalidExamples().find((e) => e.name === name)!.text;

/** A flow around `body`: the steps before `end`, which is written as given. */
const flow = (body: string, end = "@step end() {}") => `import { FlowSpec, step } from "tsflow";

export class FixFlow extends FlowSpec {
  declare n: number;

${body}

  ${end}
}
`;

interface Case {
  name: string;
  code: string;
  source: string;
  title: string;
  fixed: string;
}

const CASES: Case[] = [
  {
    name: "missing-transition: a new last line at the body's indentation",
    code: "missing-transition",
    source: invalid("missing-transition"),
    title: "Add `this.next(this.end)` to `clean`",
    fixed: invalid("missing-transition").replace(
      "    this.rows.sort();\n  }",
      "    this.rows.sort();\n    this.next(this.end);\n  }",
    ),
  },
  {
    name: "missing-transition: a one-line body keeps to its line",
    code: "missing-transition",
    source: flow(`  @step start() { this.n = 1; }`),
    title: "Add `this.next(this.end)` to `start`",
    fixed: flow(`  @step start() { this.n = 1; this.next(this.end); }`),
  },
  {
    name: "missing-transition: an empty body",
    code: "missing-transition",
    source: flow(`  @step start() {}`),
    title: "Add `this.next(this.end)` to `start`",
    fixed: flow(`  @step start() { this.next(this.end); }`),
  },
  {
    name: "missing-transition: an empty body over two lines gets one level more than its brace",
    code: "missing-transition",
    source: flow(`  @step start() {\n  }`),
    title: "Add `this.next(this.end)` to `start`",
    fixed: flow(`  @step start() {\n    this.next(this.end);\n  }`),
  },
  {
    name: "missing-transition: tabs, no semicolons, a block last and CRLF line ends, as the file has them",
    code: "missing-transition",
    source: [
      `import { FlowSpec, step } from "tsflow"`,
      `export class TabFlow extends FlowSpec {`,
      `\tdeclare n: number`,
      `\t@step start() {`,
      `\t\tthis.n = 2`,
      `\t\tthis.next(this.work)`,
      `\t}`,
      `\t@step work() {`,
      `\t\tif (this.n > 1) {`,
      `\t\t\tthis.n = 1`,
      `\t\t}`,
      `\t}`,
      `\t@step end() {}`,
      `}`,
      ``,
    ].join("\r\n"),
    title: "Add `this.next(this.end)` to `work`",
    fixed: [
      `import { FlowSpec, step } from "tsflow"`,
      `export class TabFlow extends FlowSpec {`,
      `\tdeclare n: number`,
      `\t@step start() {`,
      `\t\tthis.n = 2`,
      `\t\tthis.next(this.work)`,
      `\t}`,
      `\t@step work() {`,
      `\t\tif (this.n > 1) {`,
      `\t\t\tthis.n = 1`,
      `\t\t}`,
      `\t\tthis.next(this.end)`,
      `\t}`,
      `\t@step end() {}`,
      `}`,
      ``,
    ].join("\r\n"),
  },
  {
    name: "join-needs-inputs: the parameter, and `Inputs` added to the tsflow import",
    code: "join-needs-inputs",
    source: invalid("join-needs-inputs"),
    title: "Add `inputs: Inputs<BadJoinFlow>` to `join`",
    fixed: invalid("join-needs-inputs")
      .replace(`import { FlowSpec, step } from "tsflow";`, `import { FlowSpec, step, Inputs } from "tsflow";`)
      .replace("@step join() {", "@step join(inputs: Inputs<BadJoinFlow>) {"),
  },
  {
    name: "join-needs-inputs: an import that already has `Inputs` (renamed) is left alone",
    code: "join-needs-inputs",
    source: joinFlow(`import { FlowSpec, step, type Inputs as In } from "tsflow";`, "@step", "join( )"),
    title: "Add `inputs: In<JoinFlow>` to `join`",
    fixed: joinFlow(
      `import { FlowSpec, step, type Inputs as In } from "tsflow";`,
      "@step",
      "join(inputs: In<JoinFlow>)",
    ),
  },
  {
    name: "join-needs-inputs: a one-name-per-line import keeps its layout and trailing comma",
    code: "join-needs-inputs",
    source: joinFlow(`import {\n  FlowSpec,\n  step,\n} from "tsflow";`, "@step", "join()"),
    title: "Add `inputs: Inputs<JoinFlow>` to `join`",
    fixed: joinFlow(
      `import {\n  FlowSpec,\n  step,\n  Inputs,\n} from "tsflow";`,
      "@step",
      "join(inputs: Inputs<JoinFlow>)",
    ),
  },
  {
    name: "join-needs-inputs: a namespace import needs no edit of its own",
    code: "join-needs-inputs",
    source: joinFlow(`import * as tf from "tsflow";`, "@tf.step", "join()", "tf.FlowSpec"),
    title: "Add `inputs: tf.Inputs<JoinFlow>` to `join`",
    fixed: joinFlow(`import * as tf from "tsflow";`, "@tf.step", "join(inputs: tf.Inputs<JoinFlow>)", "tf.FlowSpec"),
  },
  {
    name: "join-needs-inputs: a file without a tsflow import gets one above the class",
    code: "join-needs-inputs",
    source: joinFlow(`// A flow whose import is not written yet.`, "@step", "join()"),
    title: "Add `inputs: Inputs<JoinFlow>` to `join`",
    fixed: joinFlow(`// A flow whose import is not written yet.`, "@step", "join(inputs: Inputs<JoinFlow>)").replace(
      "export class",
      `import { Inputs } from "tsflow";\nexport class`,
    ),
  },
  {
    name: "unknown-step on a method: `@step ` before its name, on its line as the file does",
    code: "unknown-step",
    source: flow(`  @step start() { this.next(this.helper); }\n  helper() { this.next(this.end); }`),
    title: "Add `@step` to `helper`",
    fixed: flow(`  @step start() { this.next(this.helper); }\n  @step helper() { this.next(this.end); }`),
  },
  {
    name: "unknown-step on a method: decorators on their own line above, before its modifiers",
    code: "unknown-step",
    source: flow(
      `  @step\n  start() {\n    this.next(this.helper);\n  }\n\n  async helper() {\n    this.next(this.end);\n  }`,
      "@step\n  end() {}",
    ),
    title: "Add `@step` to `helper`",
    fixed: flow(
      `  @step\n  start() {\n    this.next(this.helper);\n  }\n\n  @step\n  async helper() {\n    this.next(this.end);\n  }`,
      "@step\n  end() {}",
    ),
  },
  {
    name: "unknown-step on a method: inline style with modifiers",
    code: "unknown-step",
    source: flow(`  @step start() { this.next(this.helper); }\n  public async helper() { this.next(this.end); }`),
    title: "Add `@step` to `helper`",
    fixed: flow(`  @step start() { this.next(this.helper); }\n  @step public async helper() { this.next(this.end); }`),
  },
  {
    name: "unknown-step with a suggestion: the name replaced, `this.` kept",
    code: "unknown-step",
    source: invalid("unknown-step"),
    title: "Change `trian` to `train`",
    fixed: invalid("unknown-step").replace("this.next(this.trian);", "this.next(this.train);"),
  },
  {
    name: "unknown-join-input with a suggestion: the input's name replaced",
    code: "unknown-join-input",
    source: flow(
      `  @step start() { this.n = 0; this.next(this.train, this.test); }\n  @step train() { this.next(this.join); }\n  @step test() { this.next(this.join); }\n  @step join(inputs: Inputs<FixFlow>) { this.n = inputs.trian.n; this.next(this.end); }`,
    ).replace("import { FlowSpec, step }", "import { FlowSpec, step, Inputs }"),
    title: "Change `trian` to `train`",
    fixed: flow(
      `  @step start() { this.n = 0; this.next(this.train, this.test); }\n  @step train() { this.next(this.join); }\n  @step test() { this.next(this.join); }\n  @step join(inputs: Inputs<FixFlow>) { this.n = inputs.train.n; this.next(this.end); }`,
    ).replace("import { FlowSpec, step }", "import { FlowSpec, step, Inputs }"),
  },
  {
    name: "switch-var-missing with a suggestion: the artifact's name replaced inside its quotes",
    code: "switch-var-missing",
    source: flow(
      `  declare mode: string;\n  @step start() { this.mode = "a"; this.next({ a: this.end }, { condition: "mdoe" }); }`,
    ),
    title: "Change `mdoe` to `mode`",
    fixed: flow(
      `  declare mode: string;\n  @step start() { this.mode = "a"; this.next({ a: this.end }, { condition: "mode" }); }`,
    ),
  },
];

/** A branch that meets in `join`, with the import, step decorator, join signature and base class given. */
function joinFlow(imports: string, decorator: string, join: string, base = "FlowSpec"): string {
  return `${imports}

export class JoinFlow extends ${base} {
  ${decorator} start() { this.next(this.a, this.b); }
  ${decorator} a() { this.next(this.join); }
  ${decorator} b() { this.next(this.join); }
  ${decorator} ${join} { this.next(this.end); }
  ${decorator} end() {}
}
`;
}

describe("quick fixes over LSP", () => {
  let client: LspClient;
  let documents = 0;
  const cleanups: Array<() => Promise<void> | void> = [];
  before(async () => {
    client = await LspClient.start({ after: (fn) => cleanups.push(fn) });
  });
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  /** Opens `source` and returns its diagnostic with `code`. */
  async function openWith(source: string, code: string): Promise<{ uri: string; diagnostic: Diagnostic }> {
    const uri = uriOf(`fix-${++documents}.ts`);
    await client.open(uri, source, 1);
    const diagnostic = (await client.diagnostics(uri, 1)).find((d) => d.code === code);
    assert.ok(diagnostic, `the source raises ${code}`);
    return { uri, diagnostic };
  }

  function actionsFor(uri: string, diagnostic: Diagnostic, only?: string[]) {
    return client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], ...(only ? { only } : {}) },
    }) as Promise<CodeAction[] | null>;
  }

  for (const c of CASES) {
    test(c.name, async () => {
      const { uri, diagnostic } = await openWith(c.source, c.code);
      const actions = await actionsFor(uri, diagnostic);
      assert.equal(actions?.length, 1, JSON.stringify(actions));
      const [action] = actions ?? [];
      assert.equal(action.title, c.title);
      assert.equal(action.kind, CodeActionKind.QuickFix);
      assert.equal(action.isPreferred, true);
      assert.deepEqual(action.diagnostics, [diagnostic]);
      assert.deepEqual(Object.keys(action.edit?.changes ?? {}), [uri]);
      const fixed = TextDocument.applyEdits(
        TextDocument.create(uri, "typescript", 1, c.source),
        action.edit!.changes![uri],
      );
      assert.equal(fixed, c.fixed);
      // The fixed text, sent back, no longer raises the diagnostic.
      await client.change(uri, 2, fixed);
      const codes = (await client.diagnostics(uri, 2)).map((d) => d.code);
      assert.ok(!codes.includes(c.code), `${c.code} is gone, got ${codes.join(", ")}`);
    });
  }

  test("no fix for a diagnostic of an older version, another kind of action, or a static method", async () => {
    const typo = await openWith(invalid("unknown-step"), "unknown-step");
    assert.deepEqual(await actionsFor(typo.uri, typo.diagnostic, [CodeActionKind.Refactor]), []);
    assert.equal((await actionsFor(typo.uri, typo.diagnostic, [CodeActionKind.QuickFix]))?.length, 1);
    // A line inserted above: the diagnostic the client still holds no longer matches the analysis.
    await client.change(typo.uri, 2, `// moved\n${invalid("unknown-step")}`);
    await client.diagnostics(typo.uri, 2);
    assert.deepEqual(await actionsFor(typo.uri, typo.diagnostic), []);

    const helper = await openWith(
      flow(`  @step start() { this.next(this.helper); }\n  static helper() {}`),
      "unknown-step",
    );
    assert.deepEqual(await actionsFor(helper.uri, helper.diagnostic), []);
  });

  test("diagnostics of other sources and codes without a fix get no action", async () => {
    const { uri, diagnostic } = await openWith(invalid("missing-transition"), "unreachable-step");
    const foreign: Diagnostic = { ...diagnostic, source: "ts", code: 2304 };
    assert.deepEqual(await actionsFor(uri, diagnostic), []);
    assert.deepEqual(await actionsFor(uri, foreign), []);
    assert.equal(
      await client.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri: uriOf("never-opened.ts") },
        range: diagnostic.range,
        context: { diagnostics: [] },
      }),
      null,
    );
  });
});
