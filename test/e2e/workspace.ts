// The folder the e2e tests open: a project made the way a user makes one (`tsflow init`, which writes
// the tsconfig and the "tsflow" types an editor needs), holding a copy of examples/ and examples/invalid/.
// Usage: node --import tsx test/e2e/workspace.ts DIR
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, statSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";

export const REPO = resolve(__dirname, "..", "..");
const CLI = join(REPO, "dist", "cli.js");
const EXAMPLES = join(REPO, "examples");

/** Creates the workspace in `dir` (which may exist, empty) and returns `dir`. */
export function makeWorkspace(dir: string): string {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  execFileSync(process.execPath, [CLI, "init", dir], { stdio: "ignore" });
  // The examples' own tsconfig.json maps "tsflow" to the sources in this repository: the copy keeps
  // the one `tsflow init` wrote instead.
  for (const name of readdirSync(EXAMPLES)) {
    if (name.endsWith(".ts")) cpSync(join(EXAMPLES, name), join(dir, name));
  }
  cpSync(join(EXAMPLES, "invalid"), join(dir, "invalid"), { recursive: true });
  makeWritable(dir);
  installNodeTypes(dir);
  return dir;
}

/**
 * What `npm install` gives the project of the @types/node its package.json lists (its tsconfig
 * names Node's types, which TypeScript reports missing until then): this repository's copy.
 */
function installNodeTypes(dir: string): void {
  mkdirSync(join(dir, "node_modules", "@types"), { recursive: true });
  for (const name of ["@types/node", "undici-types"])
    symlinkSync(join(REPO, "node_modules", name), join(dir, "node_modules", name), "dir");
}

/** Copies keep the mode of the originals, and an editor will not type into a read-only file. */
function makeWritable(path: string): void {
  const stat = statSync(path);
  chmodSync(path, stat.mode | 0o200);
  if (stat.isDirectory()) for (const name of readdirSync(path)) makeWritable(join(path, name));
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: workspace.ts DIR");
  console.log(makeWorkspace(resolve(dir)));
}
