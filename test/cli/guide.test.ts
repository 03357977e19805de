import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, test } from "node:test";
import { runCli } from "../support/cli";

const ROOT = join(__dirname, "..", "..");
const GUIDE = join(ROOT, "docs", "guide");
const pages = readdirSync(GUIDE)
  .filter((name) => name.endsWith(".md"))
  .map((name) => join(GUIDE, name));

/** The commands `tsflow --help` lists. */
function commands(): string[] {
  const help = runCli(["--help"], ROOT).stdout;
  const section = help.slice(help.indexOf("Commands:"), help.indexOf("Options:"));
  return [...section.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]);
}

describe("the user guide", () => {
  test("documents every command and every option that `tsflow ... --help` prints", () => {
    const cli = readFileSync(join(GUIDE, "cli.md"), "utf8");
    const listed = commands();
    assert.ok(listed.length >= 9, listed.join(", "));
    const missing: string[] = [];
    for (const command of listed) {
      if (!cli.includes(`### \`tsflow ${command}`)) missing.push(`tsflow ${command}`);
      const help = runCli([command, "--help"], ROOT).stdout;
      for (const [option] of help.matchAll(/--[a-z][a-z-]*/g))
        if (!cli.includes(option)) missing.push(`tsflow ${command} ${option}`);
    }
    assert.deepEqual(missing, [], "docs/guide/cli.md lacks these");
  });

  test("every relative link from the README and between its pages leads to a file", () => {
    const broken: string[] = [];
    for (const page of [join(ROOT, "README.md"), ...pages]) {
      const text = readFileSync(page, "utf8");
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        if (!existsSync(resolve(dirname(page), target))) broken.push(`${page}: ${target}`);
      }
    }
    assert.deepEqual(broken, []);
  });

  test("the index links every page of the guide, and the README links the index", () => {
    const index = readFileSync(join(GUIDE, "README.md"), "utf8");
    for (const page of pages.filter((p) => !p.endsWith("README.md")))
      assert.ok(index.includes(`](${page.slice(GUIDE.length + 1)})`), `${page} is not in the index`);
    assert.match(readFileSync(join(ROOT, "README.md"), "utf8"), /\]\(docs\/guide\/README\.md\)/);
  });
});
