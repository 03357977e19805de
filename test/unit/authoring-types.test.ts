import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import ts from "typescript";
import { tsconfig } from "../../runtime/src/project/init-files";
import { invalidExamples, validExamples } from "../support/examples";

const AUTHORING_API = join(__dirname, "..", "..", "runtime", "src", "index.ts");

const TEST_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  allowUnreachableCode: true,
  types: [],
};

/** The compiler options of the tsconfig `tsflow init` writes, "tsflow" mapped to the source of the API. */
function initOptions(dir: string): ts.CompilerOptions {
  const config = JSON.parse(tsconfig()) as { compilerOptions: object };
  const { options, errors } = ts.convertCompilerOptionsFromJson(config.compilerOptions, dir);
  assert.deepEqual(errors, []);
  return { ...options, types: [] };
}

/** Type-checks flow files against the authoring API as a user's editor would; returns errors per file. */
function typeErrors(
  files: Record<string, string>,
  options: (dir: string) => ts.CompilerOptions = () => TEST_OPTIONS,
): Map<string, ts.Diagnostic[]> {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-types-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const paths = Object.entries(files).map(([name, text]) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  });
  const program = ts.createProgram(paths, { ...options(dir), paths: { tsflow: [AUTHORING_API] } });
  const byFile = new Map<string, ts.Diagnostic[]>();
  for (const [i, name] of Object.keys(files).entries()) {
    byFile.set(name, [...ts.getPreEmitDiagnostics(program, program.getSourceFile(paths[i]))]);
  }
  return byFile;
}

const flowFile = (body: string) => `import { FlowSpec, step, param, retry, catchError, timeout, Inputs } from "tsflow";
export class F extends FlowSpec {
  declare grid: number[];
  declare x: number;
  alpha = param({ default: 0.5, help: "a number" });
${body}
  @step end() {}
}
`;

const remoteFile = (body: string) =>
  flowFile(body).replace("retry, catchError, timeout, Inputs", "retry, catchError, timeout, Inputs, kubernetes, slurm");

describe("the authoring API's types", () => {
  const errors = typeErrors({
    ...Object.fromEntries(validExamples().map((e) => [`valid-${e.name}.ts`, e.text])),
    "typo.ts": invalidExamples().find((e) => e.name === "unknown-step")!.text,
    "foreach-typo.ts": flowFile(`  @step start() { this.grid = [1]; this.next(this.a, { foreach: "gird" }); }
  @step a() { this.next(this.join); }
  @step join(inputs: Inputs<F>) { this.next(this.end); }`),
    "param-type.ts": flowFile(
      `  @step start() { const s: string = this.alpha; this.x = s.length; this.next(this.end); }`,
    ),
    "timeout-needs-options.ts": flowFile(`  @timeout() @step start() { this.next(this.end); }`),
    "remote.ts":
      remoteFile(`  @kubernetes({ cpu: 2, tolerations: [{ key: "gpu", operator: "Exists" }], secrets: ["s3"] })
  @step start() { this.next(this.a); }
  @slurm @step a() { this.next(this.b); }
  @kubernetes @step b() { this.next(this.c); }
  @slurm({ partition: "gpu", time: 60 }) @step c() { this.next(this.end); }`),
    "remote-wrong.ts":
      remoteFile(`  @kubernetes({ tolerations: [{ operator: "Sometimes" }] }) @step start() { this.next(this.a); }
  @slurm({ partition: 3 }) @step a() { this.next(this.end); }`),
    "good-shapes.ts":
      flowFile(`  @retry @catchError({ var: "err" }) @step start() { this.x = this.alpha * 2; this.next(this.a, this.b); }
  @retry({ times: 2 }) @step a() { this.next(this.join); }
  @timeout({ seconds: 5 }) @step b() { this.next(this.join); }
  @step join(inputs: Inputs<F>) { this.x = inputs.a.x + inputs[1].x + inputs.map((i) => i.alpha).length; this.next(this.choose); }
  declare mode: string;
  @step choose() { this.mode = "fast"; this.next({ fast: this.end, slow: this.end }, { condition: "mode" }); }`),
  });
  const messages = (file: string) => errors.get(file)!.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));

  test("every valid example type-checks", () => {
    for (const example of validExamples()) assert.deepEqual(messages(`valid-${example.name}.ts`), [], example.name);
  });

  test("a misspelt step is TypeScript's own error too", () => {
    const found = errors.get("typo.ts")!;
    assert.equal(found.length, 1, messages("typo.ts").join("\n"));
    assert.equal(found[0].code, 2551);
    assert.match(messages("typo.ts")[0], /Property 'trian' does not exist on type 'TypoFlow'\. Did you mean 'train'\?/);
  });

  test("a misspelt foreach artifact is a type error", () => {
    assert.ok(
      messages("foreach-typo.ts").some((m) => m.includes(`'"gird"' is not assignable`)),
      messages("foreach-typo.ts").join("\n"),
    );
  });

  test("parameters are typed by their default", () => {
    assert.ok(
      messages("param-type.ts").some((m) => m.includes("Type 'number' is not assignable to type 'string'")),
      messages("param-type.ts").join("\n"),
    );
  });

  test("@timeout needs its options", () => {
    assert.equal(errors.get("timeout-needs-options.ts")!.length, 1, messages("timeout-needs-options.ts").join("\n"));
  });

  test("@kubernetes and @slurm, bare or with options, type-check; a wrong operator or partition does not", () => {
    assert.deepEqual(messages("remote.ts"), []);
    assert.equal(errors.get("remote-wrong.ts")!.length, 2, messages("remote-wrong.ts").join("\n"));
  });

  test("decorators, joins by index and by step name, and switches type-check", () => {
    assert.deepEqual(messages("good-shapes.ts"), []);
  });

  test("a join that merges type-checks under the tsconfig `tsflow init` writes", () => {
    const join = (merge: string) =>
      flowFile(`  @step start() { this.next(this.a, this.b); }
  @step a() { this.x = 1; this.next(this.join); }
  @step b() { this.x = 2; this.next(this.join); }
  @step join(inputs: Inputs<F>) { ${merge} this.next(this.end); }`);
    const found = typeErrors(
      {
        "merge.ts": join(`this.mergeArtifacts(inputs); this.mergeArtifacts(inputs, { exclude: ["x"] });`),
        "merge-include.ts": join(`this.mergeArtifacts(inputs, { include: ["alpha"] });`),
        "merge-both.ts": join(`this.mergeArtifacts(inputs, { include: ["alpha"], exclude: ["x"] });`),
      },
      initOptions,
    );
    const text = (file: string) => found.get(file)!.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    assert.deepEqual(text("merge.ts"), []);
    assert.deepEqual(text("merge-include.ts"), []);
    assert.ok(
      text("merge-both.ts").some((m) => m.includes("is not assignable to type 'undefined'")),
      text("merge-both.ts").join("\n"),
    );
  });

  test("integer, choice and file parameters are typed as their values", () => {
    const kinds = `
  rounds = param.int({ default: 2 });
  size = param({ type: "integer", default: 3 });
  mode = param({ choices: ["fast", "slow"], default: "fast" });
  data = param.file({ help: "a csv", default: "./data.csv" });
  blob = param.file({ encoding: "binary" });
  seed = param({ default: Date.now() % 7 });`;
    const found = typeErrors({
      "kinds.ts": flowFile(`${kinds}
  @step start() {
    const n: number = this.rounds + this.size + this.seed;
    const m: "fast" | "slow" = this.mode;
    const text: string = this.data;
    const bytes: Uint8Array = this.blob;
    this.x = n + m.length + text.length + bytes.length;
    this.next(this.end);
  }`),
      "kinds-wrong.ts": flowFile(`${kinds}
  bad = param({ choices: ["a", "b"], default: "c" });
  @step start() {
    const m: "fast" = this.mode;
    const text: string = this.blob;
    this.x = m.length + text.length;
    this.next(this.end);
  }`),
    });
    const text = (file: string) => found.get(file)!.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    assert.deepEqual(text("kinds.ts"), []);
    const wrong = text("kinds-wrong.ts");
    assert.equal(wrong.length, 3, wrong.join("\n"));
    assert.ok(
      wrong.some((m) => m.includes(`Type '"c"' is not assignable to type '"a" | "b" | undefined'`)),
      wrong.join("\n"),
    );
    assert.ok(
      wrong.some((m) => m.includes(`Type '"fast" | "slow"' is not assignable to type '"fast"'`)),
      wrong.join("\n"),
    );
    assert.ok(
      wrong.some((m) => m.includes("Uint8Array")),
      wrong.join("\n"),
    );
  });
});
