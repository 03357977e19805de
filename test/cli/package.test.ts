import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { nodeThatStripsTypes } from "../support/node-type-stripping";
import { typeErrors } from "../support/typecheck";

const ROOT = join(__dirname, "..", "..");
const SCRIPT = join(ROOT, "scripts", "package-vsix.mjs");

test("the .vsix holds the manifest, the README and the bundles the extension runs, nothing else", () => {
  const files = execFileSync(process.execPath, [SCRIPT, "--list"], { cwd: ROOT, encoding: "utf8" })
    .trim()
    .split("\n")
    .sort();
  const expected = [
    "README.md",
    "dist/aws-sdk.js",
    "dist/blob-reader.js",
    "dist/cli.js",
    "dist/client.js",
    "dist/extension.js",
    "dist/index.js",
    "dist/kubernetes-sdk.js",
    "dist/preview.css",
    "dist/preview.js",
    "dist/server.js",
    "dist/tsflow-cli.js",
    "dist/typescript.js",
    "dist/viewer.css",
    "dist/viewer.js",
    "dist/worker.js",
    "media/tsflow-activity.svg",
    "package.json",
  ];
  assert.deepEqual(
    files.filter((file) => !file.startsWith("dist/types/")),
    expected,
  );
  // The declarations follow the public modules' imports, so they are checked against the build's
  // output rather than listed: every one the build emitted, and nothing but declarations.
  const declarations = files.filter((file) => file.startsWith("dist/types/"));
  assert.deepEqual(declarations, declarationsIn(join(ROOT, "dist", "types")));
  assert.ok(declarations.includes("dist/types/index.d.ts") && declarations.includes("dist/types/client/index.d.ts"));
});

/** Every .d.ts under `dir`, as paths relative to the repository, sorted. */
function declarationsIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".d.ts"))
    .map((name) => relative(ROOT, join(dir, name)).split("\\").join("/"))
    .sort();
}

test("npm run package writes a .vsix within its 8 MB budget", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-vsix-test-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, "tsflow.vsix");
  const printed = execFileSync(process.execPath, [SCRIPT, "--out", out], { cwd: ROOT, encoding: "utf8" });
  assert.match(printed, /package-vsix: .*tsflow\.vsix \(\d+\.\d\d MB; at most 8 MB\)/);
  assert.ok(statSync(out).size < 8 * 1024 * 1024);
});

/**
 * The environment of a user's shell: without the variables `npm test` sets for its own scripts
 * (npm_config_local_prefix names this repository), but with the npm cache and registry it uses.
 */
function userEnv(): Record<string, string | undefined> {
  const kept = new Set(["npm_config_cache", "npm_config_registry", "npm_config_userconfig"]);
  const env = Object.entries(process.env).filter(([name]) => !name.startsWith("npm_") || kept.has(name));
  return { ...Object.fromEntries(env), NO_COLOR: "1" };
}

/** A command run the way a user's shell runs it, failing the test with its output when it fails. */
function sh(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: userEnv() });
  assert.equal(result.status, 0, `${command} ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

const FLOW = `import { FlowSpec, step } from "tsflow";
import { describe } from "./lib/describe";

export class PackagedFlow extends FlowSpec {
  declare words: string[];
  declare line: string;

  @step start() {
    this.words = ["installed", "as", "a", "package"];
    this.next(this.end);
  }

  @step end() {
    this.line = describe(this.words);
    console.log(this.line);
  }
}
`;

/** A module of the flow's own that imports "tsflow" too: both resolve to the runtime that runs the flow. */
const HELPER = `import { current } from "tsflow";

export function describe(words: string[]): string {
  return \`\${current.flowName} says: \${words.join(" ")}\`;
}
`;

const READER = `import { Flow, namespace } from "tsflow/client";

namespace(null);
const run = await Flow("PackagedFlow").latestSuccessfulRun();
const { line } = await run.data<{ line: string }>();
console.log(\`\${run.pathspec}: \${line}\`);
`;

describe("the npm package", () => {
  let packed = "";
  let tarball = "";
  before(() => {
    packed = mkdtempSync(join(tmpdir(), "tsflow-pack-"));
    // --ignore-scripts: the bundles are built already (prepack builds them), and other tests read them.
    sh("npm", ["pack", "--ignore-scripts", "--pack-destination", packed], ROOT);
    tarball = join(packed, readdirSync(packed).find((name) => name.endsWith(".tgz")) ?? "none.tgz");
  });
  after(() => rmSync(packed, { recursive: true, force: true }));

  /** A fresh ES module project with the packed tsflow installed, from the tarball alone (offline). */
  function project(t: { after(fn: () => void): void }, files: Record<string, string> = {}): string {
    const dir = mkdtempSync(join(tmpdir(), "tsflow-user-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "user", private: true, type: "module" }));
    sh("npm", ["install", "-D", tarball, "--offline", "--no-audit", "--no-fund"], dir);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  }

  test("depends on nothing at run time, and holds the bin, the bundles and the types it exports", () => {
    const manifest = JSON.parse(sh("tar", ["-xzOf", tarball, "package/package.json"], ROOT)) as Record<string, unknown>;
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies", "bundleDependencies"])
      assert.equal(manifest[field], undefined, `${field}: the bundles carry every library they use`);
    const files = new Set(sh("tar", ["-tzf", tarball], ROOT).trim().split("\n"));
    const exported = Object.values(manifest.exports as Record<string, string | Record<string, string>>)
      .flatMap((target) => (typeof target === "string" ? [target] : Object.values(target)))
      .concat(Object.values(manifest.bin as Record<string, string>));
    for (const path of exported) assert.ok(files.has(join("package", path)), `${path} is in the package`);
  });

  test("installed in a fresh project: `npx tsflow run` runs a flow, and its modules and tsc resolve tsflow", (t) => {
    const dir = project(t, { "flow.ts": FLOW, "lib/describe.ts": HELPER });
    const run = sh("npx", ["--offline", "tsflow", "run", "flow.ts"], dir);
    assert.match(run, /\[end\/\d+\] PackagedFlow says: installed as a package/);
    // Types through node_modules/tsflow's "exports", with no paths of tsflow init's. skipLibCheck as
    // in init's tsconfig: the declarations name Node's Buffer once (parseRecord), and @types/node is
    // not installed here.
    const config = { module: "preserve", moduleResolution: "bundler", target: "ES2022", strict: true, noEmit: true };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...config, skipLibCheck: true } }));
    writeFileSync(join(dir, "reader.ts"), READER);
    assert.deepEqual(typeErrors(dir), []);
    writeFileSync(join(dir, "flow.ts"), FLOW.replace("this.next(this.end)", "this.next(this.ned)"));
    assert.ok(
      typeErrors(dir).some((m) => /Property 'ned' does not exist/.test(m)),
      typeErrors(dir).join("\n"),
    );
  });

  test("a script that imports tsflow/client runs with tsx, and with node --experimental-strip-types", (t) => {
    const dir = project(t, { "flow.ts": FLOW, "lib/describe.ts": HELPER, "reader.ts": READER });
    sh("npx", ["--offline", "tsflow", "run", "flow.ts"], dir);
    const expected = /^PackagedFlow\/\d+: PackagedFlow says: installed as a package\n$/;
    assert.match(sh(process.execPath, [TSX, "reader.ts"], dir), expected);
    const node = nodeThatStripsTypes();
    if (!node) return t.skip(`no Node 22.6+ for ${process.platform}/${process.arch} in the npm registry`);
    assert.match(sh(node, ["--experimental-strip-types", "--no-warnings", "reader.ts"], dir), expected);
  });

  test("the guide's quick start: `npx --package=TGZ tsflow init DIR`, then npm install && npm start", (t) => {
    const cwd = mkdtempSync(join(tmpdir(), "tsflow-npx-"));
    t.after(() => rmSync(cwd, { recursive: true, force: true }));
    // npx installs the tarball into its own cache folder; the project must depend on the tarball itself.
    sh("npx", ["--yes", `--package=${tarball}`, "tsflow", "init", "churn"], cwd);
    const dir = join(cwd, "churn");
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    assert.equal(resolve(dir, manifest.devDependencies.tsflow.replace(/^file:/, "")), tarball);
    sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], dir);
    assert.match(sh("npm", ["start"], dir), /Run succeeded/);
  });

  test("`tsflow init` from the installed package: npm install && npm start runs the starter, and tsc passes", (t) => {
    const host = project(t);
    const printed = sh("npx", ["--offline", "tsflow", "init", "my flows"], host);
    assert.match(printed, /Next: cd 'my flows' && npm install && npm start\n$/);
    const dir = join(host, "my flows");
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    assert.equal(manifest.devDependencies.tsflow, `file:${relative(dir, tarball)}`);
    // @types/node comes from the npm cache when it is there, else the registry.
    sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], dir);
    assert.match(sh("npm", ["start"], dir), /\[end\/\d+\] the squares of 1\.\.3 add up to 14/);
    // A script beside the flow, with Node's types and tsflow/client's, under init's tsconfig.
    writeFileSync(
      join(dir, "report.ts"),
      `import { readFileSync } from "node:fs";
import { Flow } from "tsflow/client";

const run = await Flow("MyFlowsFlow").latestSuccessfulRun();
const { total } = await run.data<{ total: number }>();
console.log(total, readFileSync("flow.ts", "utf8").includes("MyFlowsFlow"), process.version.startsWith("v"));
`,
    );
    assert.deepEqual(typeErrors(dir), []);
    assert.equal(sh(process.execPath, [TSX, "report.ts"], dir), "14 true true\n");
  });
});
