import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { mergePackageJson, projectManifest } from "../../runtime/src/project/init-files";

const manifest = projectManifest("file:../tsflow-0.1.0.tgz");

describe("tsflow init completing an existing package.json", () => {
  test("adds what is missing and changes nothing it holds", () => {
    const merged = mergePackageJson('{\n\t"name": "mine",\n\t"scripts": { "start": "vite" }\n}\n', manifest);
    assert.ok(merged);
    assert.deepEqual(merged.added, [
      "scripts.check",
      "scripts.show",
      "devDependencies.@types/node",
      "devDependencies.tsflow",
    ]);
    const pkg = JSON.parse(merged.text) as { scripts: Record<string, string>; devDependencies: Record<string, string> };
    assert.equal(pkg.scripts.start, "vite");
    assert.equal(pkg.devDependencies.tsflow, "file:../tsflow-0.1.0.tgz");
    assert.match(merged.text, /^\t"name": "mine",$/m, "its tab indentation kept");
  });

  test("a package it already depends on, in dependencies or devDependencies, is not added again", () => {
    const existing = JSON.stringify({
      dependencies: { tsflow: "^0.1.0" },
      devDependencies: { "@types/node": "22.0.0" },
    });
    const merged = mergePackageJson(existing, manifest);
    assert.ok(merged);
    assert.deepEqual(merged.added, ["scripts.start", "scripts.check", "scripts.show"]);
    const pkg = JSON.parse(merged.text) as { devDependencies: Record<string, string> };
    assert.deepEqual(pkg.devDependencies, { "@types/node": "22.0.0" });
  });

  test("a file that is not a JSON object is left to its owner", () => {
    for (const text of ["{ nope", "[]", "null", '"x"']) assert.equal(mergePackageJson(text, manifest), undefined);
  });
});
