// Builds every bundle of the project. Runtime, CLI and (later) worker and server are built without
// `external: ["vscode"]`, so an import of vscode there fails the build: the boundary guard of STYLE.md.
import * as esbuild from "esbuild";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve as resolvePath } from "node:path";
import ts from "typescript";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
const watch = process.argv.includes("--watch");

/**
 * TypeScript, which the analyzer parses with, is one bundle of its own, dist/typescript.js, that the
 * CLI and the language server both require: the .vsix carries it once, not once per bundle.
 * @type {esbuild.Plugin}
 */
const sharedTypescript = {
  name: "shared-typescript",
  setup(build) {
    build.onResolve({ filter: /^@ts-morph\/common\/dist\/typescript\.js$/ }, () => ({
      path: "./typescript.js",
      external: true,
    }));
  },
};

/**
 * The AWS SDK, which the S3 datastore uses, is one bundle of its own too, dist/aws-sdk.js, required
 * on the first use of an S3 datastore: it ships once, and a command on a local datastore never
 * loads it.
 * @type {esbuild.Plugin}
 */
const sharedAwsSdk = {
  name: "shared-aws-sdk",
  setup(build) {
    const module = resolvePath("runtime/src/datastore/aws-sdk");
    build.onResolve({ filter: /\/aws-sdk$/ }, (args) =>
      resolvePath(args.resolveDir, args.path) === module ? { path: "./aws-sdk.js", external: true } : undefined,
    );
  },
};

/**
 * The AWS SDK's HTTP/2 handler, which S3 never uses, requires node:http2 as the bundle loads: the
 * largest built-in module it loads, about a tenth of a second of every short command on S3 (a
 * remote task's `tsflow step` among them). Here it loads on first use.
 * @type {esbuild.Plugin}
 */
const lazyHttp2 = {
  name: "lazy-http2",
  setup(build) {
    build.onResolve({ filter: /^(node:)?http2$/ }, (args) =>
      args.namespace === "lazy-http2"
        ? { path: "node:http2", external: true }
        : { path: "http2", namespace: "lazy-http2" },
    );
    build.onLoad({ filter: /.*/, namespace: "lazy-http2" }, () => ({
      // The handler's module reads `constants` as it loads: that is a lazy object of its own.
      contents: `let http2;
const load = () => (http2 ??= require("node:http2"));
const constants = new Proxy({}, { get: (_, key) => load().constants[key] });
module.exports = new Proxy({}, { get: (_, key) => (key === "constants" ? constants : load()[key]) });`,
      loader: "js",
    }));
  },
};

/**
 * The Kubernetes client, which the Kubernetes executor uses, is one bundle of its own as well,
 * dist/kubernetes-sdk.js, required when a run first opens that executor: a local run never loads it.
 * @type {esbuild.Plugin}
 */
const sharedKubernetesSdk = {
  name: "shared-kubernetes-sdk",
  setup(build) {
    const module = resolvePath("runtime/src/exec/executors/kubernetes/sdk");
    build.onResolve({ filter: /\/sdk$/ }, (args) =>
      resolvePath(args.resolveDir, args.path) === module ? { path: "./kubernetes-sdk.js", external: true } : undefined,
    );
  },
};

/** @type {esbuild.BuildOptions} */
const node = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  plugins: [sharedTypescript, sharedAwsSdk, sharedKubernetesSdk],
  define: { TSFLOW_VERSION: JSON.stringify(version), TSFLOW_BUILD_ID: JSON.stringify(`${version}-${Date.now()}`) },
};

/** Webview pages: browser bundles, so node and vscode cannot creep in. @type {esbuild.BuildOptions} */
const browser = {
  bundle: true,
  platform: "browser",
  format: "iife",
  target: "es2022",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
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
  // The command line itself, the analyzer included.
  { ...node, entryPoints: ["runtime/src/cli/bin.ts"], outfile: "dist/tsflow-cli.js" },
  // TypeScript (the copy ts-morph carries), shared by the CLI and the language server.
  {
    ...node,
    plugins: [],
    entryPoints: ["node_modules/@ts-morph/common/dist/typescript.js"],
    outfile: "dist/typescript.js",
  },
  // The AWS SDK (client-s3 and lib-storage), shared by every bundle that may open an S3 datastore.
  {
    ...node,
    plugins: [lazyHttp2],
    entryPoints: ["runtime/src/datastore/aws-sdk.ts"],
    outfile: "dist/aws-sdk.js",
  },
  // The Kubernetes client (@kubernetes/client-node), loaded when a run first opens the Kubernetes executor.
  {
    ...node,
    plugins: [],
    entryPoints: ["runtime/src/exec/executors/kubernetes/sdk.ts"],
    outfile: "dist/kubernetes-sdk.js",
  },
  // A worker process: runs tasks for the scheduler, many over its life.
  { ...node, entryPoints: ["runtime/src/exec/worker/main.ts"], outfile: "dist/worker.js" },
  // A worker's blob reader thread: reads a value its step touches that was not fetched ahead.
  { ...node, entryPoints: ["runtime/src/exec/worker/blob-reader-thread.ts"], outfile: "dist/blob-reader.js" },
  // The VS Code extension. Only this bundle may leave `vscode` external: the host provides it.
  {
    ...node,
    entryPoints: ["client/src/extension.ts"],
    outfile: "dist/extension.js",
    external: ["vscode"],
    // jsonc-parser's "main" is UMD with requires esbuild cannot follow; its ESM build bundles whole.
    mainFields: ["module", "main"],
  },
  // The DAG preview's page script, and dist/preview.css: a browser bundle, so node and vscode cannot creep in.
  {
    ...browser,
    entryPoints: ["client/src/preview/webview/main.ts"],
    outfile: "dist/preview.js",
  },
  // The artifact viewer's page (a sortable table and plots), and dist/viewer.css: a browser bundle too.
  {
    ...browser,
    entryPoints: ["client/src/viewer/webview/main.ts"],
    outfile: "dist/viewer.js",
  },
  // The language server: the analyzer behind diagnostics, navigation and the DAG preview.
  { ...node, entryPoints: ["server/src/main.ts"], outfile: "dist/server.js" },
  // The authoring API that flow files import as "tsflow".
  { ...node, entryPoints: ["runtime/src/index.ts"], outfile: "dist/index.js" },
  // The read-only client API, "tsflow/client": scripts, notebooks and the extension read runs with it.
  { ...node, entryPoints: ["runtime/src/client/index.ts"], outfile: "dist/client.js" },
];

/**
 * The type declarations of the modules a flow imports, "tsflow" (the authoring API) and
 * "tsflow/client" (the client API, which a step may use), which `tsflow init` copies into a
 * project so an editor knows them with nothing installed. Each file is written with TypeScript's
 * isolated-declarations emitter (fast, and it fails the build if a public type is left implicit),
 * from the entry points through the local imports their declarations keep.
 */
function writePublicTypes() {
  const pending = ["index.ts", "client/index.ts"];
  const written = new Set();
  while (pending.length > 0) {
    const file = pending.shift();
    if (written.has(file)) continue;
    written.add(file);
    const path = join("runtime/src", file);
    const result = ts.transpileDeclaration(readFileSync(path, "utf8"), {
      fileName: path,
      compilerOptions: { target: ts.ScriptTarget.ES2022, strict: true },
    });
    const problems = result.diagnostics ?? [];
    if (problems.length > 0) {
      const text = problems.map((d) => `${path}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`).join("\n");
      throw new Error(`the public API's declarations need explicit types:\n${text}`);
    }
    const out = join("dist/types", file.replace(/\.ts$/, ".d.ts"));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, result.outputText);
    for (const [, specifier] of result.outputText.matchAll(/\bfrom "(\.{1,2}\/[^"]+)"/g)) {
      const target = join(dirname(file), specifier);
      pending.push(existsSync(join("runtime/src", `${target}.ts`)) ? `${target}.ts` : join(target, "index.ts"));
    }
  }
}

if (watch) {
  for (const options of bundles) await (await esbuild.context(options)).watch();
  console.log("esbuild: watching for changes");
} else {
  const started = Date.now();
  await Promise.all(bundles.map((options) => esbuild.build(options)));
  writePublicTypes();
  console.log(`esbuild: ${bundles.length} bundles in ${Date.now() - started} ms`);
}
