// Builds every bundle of the project. Runtime, CLI and (later) worker and server are built without
// `external: ["vscode"]`, so an import of vscode there fails the build: the boundary guard of STYLE.md.
import * as esbuild from "esbuild";
import { readFileSync } from "node:fs";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
const watch = process.argv.includes("--watch");

/** @type {esbuild.BuildOptions} */
const node = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  // esbuild compiles flow files at run time: its native binary cannot be bundled.
  external: ["esbuild"],
  define: { TSFLOW_VERSION: JSON.stringify(version), TSFLOW_BUILD_ID: JSON.stringify(`${version}-${Date.now()}`) },
};

/** @type {esbuild.BuildOptions[]} */
const bundles = [
  // The `tsflow` executable: a small launcher that loads the CLI bundle through V8's code cache.
  {
    ...node,
    entryPoints: ["runtime/src/launcher/cli.ts"],
    outfile: "dist/cli.js",
    banner: { js: "#!/usr/bin/env node" },
  },
  // The command line itself, analyzer and TypeScript included.
  { ...node, entryPoints: ["runtime/src/cli/bin.ts"], outfile: "dist/tsflow-cli.js" },
  // A worker process: runs tasks for the scheduler, many over its life.
  { ...node, entryPoints: ["runtime/src/exec/worker/main.ts"], outfile: "dist/worker.js" },
  // The authoring API that flow files import as "tsflow".
  { ...node, entryPoints: ["runtime/src/index.ts"], outfile: "dist/index.js" },
];

if (watch) {
  for (const options of bundles) await (await esbuild.context(options)).watch();
  console.log("esbuild: watching for changes");
} else {
  const started = Date.now();
  await Promise.all(bundles.map((options) => esbuild.build(options)));
  console.log(`esbuild: ${bundles.length} bundles in ${Date.now() - started} ms`);
}
