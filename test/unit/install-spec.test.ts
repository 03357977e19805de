import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { tsflowDependencySpec } from "../../runtime/src/project/install-spec";

/** A host project with tsflow installed under node_modules, its package.json declaring `deps`. */
function host(t: { after(fn: () => void): void }, deps?: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-install-spec-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "node_modules", "tsflow"), { recursive: true });
  if (deps) writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "host", ...deps }));
  return dir;
}

describe("the tsflow a new project depends on", () => {
  test("repeats the host's spec, a relative file: path rebased onto the new project", (t) => {
    const dir = host(t, { devDependencies: { tsflow: "file:../packages/tsflow-0.1.0.tgz" } });
    const pkg = join(dir, "node_modules", "tsflow");
    assert.equal(tsflowDependencySpec(pkg, join(dir, "flows", "churn")), "file:../../../packages/tsflow-0.1.0.tgz");
    assert.equal(tsflowDependencySpec(pkg, dir), "file:../packages/tsflow-0.1.0.tgz");
  });

  test("a file: path into the project's own folder stays relative and explicit", (t) => {
    const dir = host(t, { devDependencies: { tsflow: "file:vendor/tsflow.tgz" } });
    assert.equal(tsflowDependencySpec(join(dir, "node_modules", "tsflow"), dir), "file:./vendor/tsflow.tgz");
  });

  test("an absolute path, a registry range or a git URL is kept as it is", (t) => {
    for (const spec of ["file:/opt/tsflow-0.1.0.tgz", "^0.1.0", "github:someone/tsflow#v0.1.0"]) {
      const dir = host(t, { dependencies: { tsflow: spec } });
      assert.equal(tsflowDependencySpec(join(dir, "node_modules", "tsflow"), join(dir, "x")), spec);
    }
  });

  test("none when tsflow is not installed in a project: a clone, a global install, no declaration", (t) => {
    assert.equal(tsflowDependencySpec("/home/me/src/tsflow", "/tmp/p"), undefined);
    const global = host(t);
    assert.equal(tsflowDependencySpec(join(global, "node_modules", "tsflow"), "/tmp/p"), undefined);
    const undeclared = host(t, { dependencies: { other: "1.0.0" } });
    assert.equal(tsflowDependencySpec(join(undeclared, "node_modules", "tsflow"), "/tmp/p"), undefined);
    const garbled = host(t);
    writeFileSync(join(garbled, "package.json"), "{ not json");
    assert.equal(tsflowDependencySpec(join(garbled, "node_modules", "tsflow"), "/tmp/p"), undefined);
  });
});
