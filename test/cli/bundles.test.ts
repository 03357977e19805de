import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

const DIST = join(__dirname, "..", "..", "dist");

// The .vsix ships only these bundles: a relative require left in one (a UMD package esbuild could
// not follow) would fail only at run time, in the user's editor.
for (const bundle of ["extension.js", "server.js", "tsflow-cli.js", "worker.js", "client.js", "index.js"]) {
  test(`dist/${bundle} requires no file it does not contain`, () => {
    const path = join(DIST, bundle);
    assert.ok(existsSync(path), `${path} is missing: run \`npm run build\` first`);
    // Any call with a relative path: a bundled UMD factory's `require` is renamed (`require2`, `n`).
    const relative = [...readFileSync(path, "utf8").matchAll(/[\w$]\(["'](\.{1,2}\/[\w./-]+)["']\)/g)].map((m) => m[1]);
    assert.deepEqual(relative, []);
  });
}
