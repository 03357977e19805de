// Bundles the extension-host tests (suite/index.ts and suite/*.test.ts) into dist/test/e2e/, one file
// each. `vscode` is the host's; mocha stays external so the runner and the test files share one
// instance (from node_modules), as their `suite`/`test` calls need.
// Usage: node --import tsx test/e2e/build-suite.ts
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { REPO } from "./workspace";

export const SUITE_OUT = join(REPO, "dist", "test", "e2e");

export async function buildSuite(): Promise<string> {
  const suite = join(__dirname, "suite");
  const entryPoints = ["index.ts", ...readdirSync(suite).filter((f) => f.endsWith(".test.ts"))].map((f) =>
    join(suite, f),
  );
  rmSync(SUITE_OUT, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outdir: SUITE_OUT,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: ["vscode", "mocha"],
    sourcemap: "inline",
    logLevel: "warning",
  });
  return join(SUITE_OUT, "index.js");
}

if (require.main === module) {
  buildSuite().then(
    (index) => console.log(`e2e suite: ${index}`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
