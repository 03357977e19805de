import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import type { Storage } from "../datastore/storage-api";
import { layout } from "../datastore/layout";

/** The global under which a worker exposes its own runtime modules to the flow it loads. */
export const RUNTIME_GLOBAL = "__tsflowRuntime";

/** Modules a flow may import from TSFlow itself, resolved to the loading process's own instances. */
const RUNTIME_MODULES: Record<string, string> = { tsflow: "authoring", "tsflow/client": "client" };

/** A flow ready to load: its file and every local module it imports, compiled to CommonJS. */
export interface CompiledFlow {
  entry: string;
  /** By absolute path, the entry included. */
  modules: Record<string, string>;
}

interface CacheEntry {
  /** Every local file compiled into the flow, with the hash of its content. */
  inputs: Record<string, string>;
  compiled: CompiledFlow;
}

/**
 * Compiles a flow file and the local modules it imports, cached by the content of every one of
 * them. `import ... from "tsflow"` becomes the runtime that loads it (so a flow runs with nothing
 * installed beside it); npm packages stay `require` calls that resolve from the flow's own
 * directory, as they would for any script there. The compiler is the TypeScript the analyzer
 * already carries, so the CLI and the .vsix need no native binary to run a flow.
 */
export async function compileFlow(
  flowFile: string,
  storage: Storage,
): Promise<{ compiled: CompiledFlow; cached: boolean }> {
  const source = readFileSync(flowFile);
  const cacheKey = layout.cache(
    `compiled/${hash(Buffer.concat([source, Buffer.from(`\0${flowFile}\0${COMPILER_VERSION}`)]))}.json`,
  );
  const cached = await readCache(storage, cacheKey);
  if (cached) return { compiled: cached, cached: true };
  // Loaded on a miss only: a cached run never loads TypeScript for this.
  const { transpileModule } = await import("./transpile");
  const modules: Record<string, string> = {};
  const inputs: Record<string, string> = {};
  const pending = [flowFile];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (file in modules) continue;
    inputs[file] = hash(readFileSync(file));
    const module = transpileModule(file, { global: RUNTIME_GLOBAL, runtimeModules: RUNTIME_MODULES });
    modules[file] = module.code;
    pending.push(...module.localImports);
  }
  const compiled = { entry: flowFile, modules };
  await storage.write(cacheKey, JSON.stringify({ inputs, compiled } satisfies CacheEntry));
  return { compiled, cached: false };
}

/** Part of the cache key: a new TSFlow may compile the same source differently. */
const COMPILER_VERSION = "2";

async function readCache(storage: Storage, key: string): Promise<CompiledFlow | undefined> {
  const bytes = await storage.read(key);
  if (!bytes) return undefined;
  try {
    const entry = JSON.parse(bytes.toString("utf8")) as CacheEntry;
    for (const [path, digest] of Object.entries(entry.inputs)) {
      if (hash(readFileSync(path)) !== digest) return undefined;
    }
    return entry.compiled;
  } catch {
    return undefined; // a stale, garbled or half-deleted cache entry is simply rebuilt
  }
}

function hash(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 32);
}

/** The flow file's path as messages show it. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith("..") ? rel : file;
}
