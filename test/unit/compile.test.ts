import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import * as authoring from "../../runtime/src/index";
import { compileFlow, RUNTIME_GLOBAL } from "../../runtime/src/exec/compile";
import { resolveLocalImport } from "../../runtime/src/exec/resolve-local";
import { loadFlowModule, loadLocalModule } from "../../runtime/src/exec/worker/flow-module";
import { openDatastore } from "../../runtime/src/datastore";

// The worker's runtime global, as exec/worker/main.ts sets it, so compiled modules load here as there.
(globalThis as Record<string, unknown>)[RUNTIME_GLOBAL] = { authoring, client: {}, load: loadLocalModule };

function project(t: { after(fn: () => void): void }, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-compile-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const compile = (dir: string, file = "flow.ts") =>
  compileFlow(join(dir, file), openDatastore({ kind: "local", path: join(dir, ".tsflow") }).storage);

describe("compiling a flow", () => {
  test("local imports: `.js` names the .ts source, a folder its index, JSON stays JSON, cycles load", async (t) => {
    const dir = project(t, {
      "flow.ts": `import { FlowSpec, step } from "tsflow";
import { double } from "./lib/math.js";
import { greeting } from "./lib";
import settings from "./settings.json";
import { ping } from "./ping";
import type { Shape } from "./types";
export const shape: Shape = { size: double(settings.size) };
export const summary = [double(21), greeting, ping(3)].join(" ");
export class CompiledFlow extends FlowSpec {
  @step start() { this.next(this.end); }
  @step end() {}
}
`,
      "lib/math.ts": "export const double = (x: number): number => x * 2;\n",
      "lib/math.js": "exports.double = () => 'the stale .js beside the source';\n",
      "lib/index.ts": 'export const greeting: string = "hello";\n',
      "settings.json": '{ "size": 5 }\n',
      "ping.ts":
        'import { pong } from "./pong";\nexport const ping = (n: number): string => (n === 0 ? "done" : pong(n - 1));\n',
      "pong.ts": 'import { ping } from "./ping";\nexport const pong = (n: number): string => ping(n);\n',
      "types.ts": "export interface Shape { size: number }\n",
    });
    const { compiled, cached } = await compile(dir);
    assert.equal(cached, false);
    assert.deepEqual(
      Object.keys(compiled.modules)
        .map((path) => path.slice(dir.length + 1))
        .sort(),
      ["flow.ts", "lib/index.ts", "lib/math.ts", "ping.ts", "pong.ts"],
      "type-only imports are elided and JSON is not compiled",
    );
    const exports = loadFlowModule(compiled);
    assert.equal(exports.summary, "42 hello done");
    assert.deepEqual(exports.shape, { size: 10 });
    assert.equal(typeof exports.CompiledFlow, "function");
    assert.equal((await compile(dir)).cached, true);
  });

  test("tsflow is the loading process's own runtime, not a package beside the flow", async (t) => {
    const dir = project(t, {
      "flow.ts": 'import { FlowSpec } from "tsflow";\nexport const same = FlowSpec;\n',
      "node_modules/tsflow/index.js": "exports.FlowSpec = 'an installed copy';\n",
    });
    const exports = loadFlowModule((await compile(dir)).compiled);
    assert.equal(exports.same, authoring.FlowSpec);
  });

  test("a change to an imported file recompiles; an unchanged tree is served from the cache", async (t) => {
    const dir = project(t, {
      "flow.ts": 'import { n } from "./n";\nexport const value = n;\n',
      "n.ts": "export const n = 1;\n",
    });
    const first = await compile(dir);
    writeFileSync(join(dir, "n.ts"), "export const n = 2;\n");
    const second = await compile(dir);
    assert.equal(second.cached, false);
    assert.match(second.compiled.modules[join(dir, "n.ts")], /n = 2/);
    assert.notEqual(first.compiled.modules[join(dir, "n.ts")], second.compiled.modules[join(dir, "n.ts")]);
  });

  test("a missing module and a syntax error name the file, line and column", async (t) => {
    const dir = project(t, {
      "flow.ts": 'import { ok } from "./ok";\n\nimport { gone } from "./gone";\nexport const x = [ok, gone];\n',
      "ok.ts": "export const ok = 1;\n",
      "broken.ts": 'import { half } from "./half";\nexport const y = half;\n',
      "half.ts": "export const half = (;\n",
    });
    await assert.rejects(compile(dir), (error: Error) => {
      assert.equal(error.message, `${join(dir, "flow.ts")}:3:22: cannot find module './gone'`);
      return true;
    });
    await assert.rejects(compile(dir, "broken.ts"), (error: Error) => {
      assert.equal(error.message, `${join(dir, "half.ts")}:1:22: Expression expected.`);
      return true;
    });
  });

  test("stack traces point at the TypeScript lines", async (t) => {
    const dir = project(t, {
      "flow.ts": 'import { fail } from "./fail";\nexport const run = () => fail();\n',
      "fail.ts": "// one\n// two\nexport function fail(): never {\n  throw new Error('here');\n}\n",
    });
    const previous = process.sourceMapsEnabled;
    process.setSourceMapsEnabled(true);
    t.after(() => process.setSourceMapsEnabled(previous));
    const exports = loadFlowModule((await compile(dir)).compiled) as { run: () => void };
    assert.throws(exports.run, (error: Error) => {
      assert.match(error.stack ?? "", new RegExp(`${join(dir, "fail.ts").replace(/[/\\.]/g, "\\$&")}:4:9`));
      return true;
    });
  });
});

describe("resolving a local import", () => {
  test("TypeScript's order: the source of a .js name, the exact file, an added extension, the index", (t) => {
    const dir = project(t, { "a.ts": "", "a.js": "", "b.mts": "", "c/index.tsx": "", "d.json": "", "e.cjs": "" });
    const from = join(dir, "flow.ts");
    assert.equal(resolveLocalImport(from, "./a.js"), join(dir, "a.ts"));
    assert.equal(resolveLocalImport(from, "./a"), join(dir, "a.ts"));
    assert.equal(resolveLocalImport(from, "./b.mjs"), join(dir, "b.mts"));
    assert.equal(resolveLocalImport(from, "./c"), join(dir, "c/index.tsx"));
    assert.equal(resolveLocalImport(from, "./d.json"), join(dir, "d.json"));
    assert.equal(resolveLocalImport(from, "./e.cjs"), join(dir, "e.cjs"));
    assert.equal(resolveLocalImport(join(dir, "c/index.tsx"), "../a"), join(dir, "a.ts"));
    assert.equal(resolveLocalImport(from, "./nothing"), undefined);
  });
});
