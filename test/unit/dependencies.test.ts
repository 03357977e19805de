import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

const ROOT = join(__dirname, "..", "..");

/** Every installed copy of a package: its folder under any node_modules, at any depth. */
function copiesOf(name: string, dir = join(ROOT, "node_modules"), found: string[] = []): string[] {
  if (!existsSync(dir)) return found;
  const candidate = join(dir, name, "package.json");
  if (existsSync(candidate))
    found.push(`${join(dir, name)} (${(JSON.parse(readFileSync(candidate, "utf8")) as { version: string }).version})`);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const packages = entry.name.startsWith("@")
      ? readdirSync(join(dir, entry.name)).map((n) => join(dir, entry.name, n))
      : [join(dir, entry.name)];
    for (const pkg of packages) copiesOf(name, join(pkg, "node_modules"), found);
  }
  return found;
}

// Two copies make the RequestType that server/src/protocol.ts shares fail to type-check between
// the language client and server (STYLE.md §2): package.json pins one with `overrides`.
test("exactly one vscode-languageserver-protocol is installed", () => {
  assert.equal(
    copiesOf("vscode-languageserver-protocol").length,
    1,
    copiesOf("vscode-languageserver-protocol").join("\n"),
  );
});
