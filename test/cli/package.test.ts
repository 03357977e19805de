import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const ROOT = join(__dirname, "..", "..");
const SCRIPT = join(ROOT, "scripts", "package-vsix.mjs");

test("the .vsix holds the manifest, the README and the bundles the extension runs, nothing else", () => {
  const files = execFileSync(process.execPath, [SCRIPT, "--list"], { cwd: ROOT, encoding: "utf8" })
    .trim()
    .split("\n")
    .sort();
  const expected = [
    "README.md",
    "dist/cli.js",
    "dist/client.js",
    "dist/extension.js",
    "dist/index.js",
    "dist/preview.css",
    "dist/preview.js",
    "dist/server.js",
    "dist/tsflow-cli.js",
    "dist/types/authoring/current.d.ts",
    "dist/types/authoring/decorators.d.ts",
    "dist/types/authoring/flow-spec.d.ts",
    "dist/types/authoring/param.d.ts",
    "dist/types/client/context.d.ts",
    "dist/types/client/errors.d.ts",
    "dist/types/client/flow.d.ts",
    "dist/types/client/index.d.ts",
    "dist/types/client/json-value.d.ts",
    "dist/types/client/run.d.ts",
    "dist/types/client/step.d.ts",
    "dist/types/client/store.d.ts",
    "dist/types/client/task.d.ts",
    "dist/types/datastore/errors.d.ts",
    "dist/types/datastore/layout.d.ts",
    "dist/types/datastore/records.d.ts",
    "dist/types/errors.d.ts",
    "dist/types/graph/model.d.ts",
    "dist/types/index.d.ts",
    "dist/types/metadata/run-status.d.ts",
    "dist/typescript.js",
    "dist/viewer.css",
    "dist/viewer.js",
    "dist/worker.js",
    "media/tsflow-activity.svg",
    "package.json",
  ];
  assert.deepEqual(files, expected);
});

test("npm run package writes a .vsix within its 8 MB budget", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-vsix-test-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, "tsflow.vsix");
  const printed = execFileSync(process.execPath, [SCRIPT, "--out", out], { cwd: ROOT, encoding: "utf8" });
  assert.match(printed, /package-vsix: .*tsflow\.vsix \(\d+\.\d\d MB; at most 8 MB\)/);
  assert.ok(statSync(out).size < 8 * 1024 * 1024);
});
