import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

const DIST = join(__dirname, "..", "..", "dist");

/** Bundles that others load by relative path: TypeScript, which the CLI and the server share. */
const SHARED = new Set(["./typescript.js"]);

// The .vsix ships only these bundles: a relative require left in one (a UMD package esbuild could
// not follow) would fail only at run time, in the user's editor. Only the shared bundles are
// required by relative path, and those are there.
for (const bundle of ["extension.js", "server.js", "tsflow-cli.js", "worker.js", "client.js", "index.js"]) {
  test(`dist/${bundle} requires no file it does not contain, but the shared TypeScript`, () => {
    const path = join(DIST, bundle);
    assert.ok(existsSync(path), `${path} is missing: run \`npm run build\` first`);
    // Any call with a relative path: a bundled UMD factory's `require` is renamed (`require2`, `n`).
    const relative = [...readFileSync(path, "utf8").matchAll(/[\w$]\(["'](\.{1,2}\/[\w./-]+)["']\)/g)].map((m) => m[1]);
    assert.deepEqual(
      relative.filter((id) => !SHARED.has(id)),
      [],
    );
    for (const id of relative) assert.ok(existsSync(join(DIST, id)), `dist/${id} exists`);
  });
}

test("TypeScript is in dist/typescript.js alone, which the CLI and the language server require", () => {
  for (const bundle of ["tsflow-cli.js", "server.js"]) {
    const text = readFileSync(join(DIST, bundle), "utf8");
    assert.ok(text.includes('require("./typescript.js")'), `${bundle} requires the shared TypeScript`);
    assert.ok(text.length < 1_000_000, `${bundle} is ${text.length} bytes: TypeScript crept back in`);
  }
  assert.ok(
    readFileSync(join(DIST, "typescript.js"), "utf8").includes("createSourceFile"),
    "dist/typescript.js is TypeScript",
  );
});
