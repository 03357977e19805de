import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { createRequire } from "node:module";
import type * as Esbuild from "esbuild";
import { TsflowError } from "../errors";
import type { Storage } from "../datastore/storage";
import { layout } from "../datastore/layout";

/** The global under which a worker exposes its own runtime modules to the flow it loads. */
export const RUNTIME_GLOBAL = "__tsflowRuntime";

/** Modules a flow may import from TSFlow itself, resolved to the loading process's own instances. */
const RUNTIME_MODULES: Record<string, string> = { tsflow: "authoring", "tsflow/client": "client" };

interface CacheEntry {
  /** Every local file bundled into the flow, with the hash of its content. */
  inputs: Record<string, string>;
  code: string;
}

/**
 * Compiles a flow file to one CommonJS module with esbuild, cached by the content of every local
 * file it bundles. `import ... from "tsflow"` becomes the runtime that loads it (so a flow runs
 * with nothing installed beside it); npm packages stay `require` calls that resolve from the flow's
 * own directory, as they would for any script there.
 */
export async function compileFlow(flowFile: string, storage: Storage): Promise<{ code: string; cached: boolean }> {
  const source = readFileSync(flowFile);
  const cacheKey = layout.cache(
    `compiled/${hash(Buffer.concat([source, Buffer.from(`\0${flowFile}\0${COMPILER_VERSION}`)]))}.json`,
  );
  const cached = readCache(storage, cacheKey);
  if (cached) return { code: cached, cached: true };
  const esbuild = loadEsbuild();
  const result = await esbuild
    .build({
      entryPoints: [flowFile],
      bundle: true,
      write: false,
      metafile: true,
      format: "cjs",
      platform: "node",
      target: "node20",
      packages: "external",
      sourcemap: "inline",
      sourcesContent: false,
      logLevel: "silent",
      plugins: [runtimeModules],
    })
    .catch((error: { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } }> }) => {
      const first = error.errors?.[0];
      const where = first?.location
        ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: `
        : "";
      throw new TsflowError(
        "compile",
        `${where}${first?.text ?? (error instanceof Error ? error.message : JSON.stringify(error))}`,
        flowFile,
      );
    });
  const code = result.outputFiles[0].text;
  const inputs: Record<string, string> = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    if (input.startsWith("tsflow-runtime:")) continue;
    const path = resolve(input);
    inputs[path] = hash(readFileSync(path));
  }
  storage.write(cacheKey, JSON.stringify({ inputs, code } satisfies CacheEntry));
  return { code, cached: false };
}

/** Part of the cache key: a new TSFlow may compile the same source differently. */
const COMPILER_VERSION = "1";

function readCache(storage: Storage, key: string): string | undefined {
  const bytes = storage.read(key);
  if (!bytes) return undefined;
  try {
    const entry = JSON.parse(bytes.toString("utf8")) as CacheEntry;
    for (const [path, digest] of Object.entries(entry.inputs)) {
      if (hash(readFileSync(path)) !== digest) return undefined;
    }
    return entry.code;
  } catch {
    return undefined; // a stale, garbled or half-deleted cache entry is simply rebuilt
  }
}

/** esbuild is loaded only when a flow must be compiled: `check` and cached runs never pay for it. */
function loadEsbuild(): typeof Esbuild {
  return createRequire(__filename)("esbuild") as typeof Esbuild;
}

const runtimeModules: Esbuild.Plugin = {
  name: "tsflow-runtime",
  setup(build) {
    build.onResolve({ filter: /^tsflow(\/client)?$/ }, (args) => ({ path: args.path, namespace: "tsflow-runtime" }));
    build.onLoad({ filter: /.*/, namespace: "tsflow-runtime" }, (args) => ({
      contents: `module.exports = globalThis[${JSON.stringify(RUNTIME_GLOBAL)}][${JSON.stringify(RUNTIME_MODULES[args.path])}];`,
      loader: "js",
    }));
  },
};

function hash(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 32);
}

/** The flow file's path as messages show it. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith("..") ? rel : file;
}
