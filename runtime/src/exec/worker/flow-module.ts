import Module from "node:module";
import { dirname } from "node:path";
import { registerClasses } from "../../datastore/registry";
import { TsflowError } from "../../errors";
import type { CompiledFlow } from "../compile";

/** Module internals every Node since 0.x has, which @types/node does not declare. */
interface InternalModule {
  filename: string;
  paths: string[];
  exports: Record<string, unknown>;
  _compile(code: string, filename: string): void;
}
const ModuleClass = Module as unknown as {
  new (id: string): InternalModule;
  _nodeModulePaths(dir: string): string[];
};

/** Compiled local modules by absolute path, from every flow this worker was sent. */
const sources = new Map<string, string>();
const loaded = new Map<string, InternalModule>();

/**
 * Evaluates a compiled flow as if it were the flow file itself: its `require` calls resolve npm
 * packages from the flow's own folder, and stack traces point at the flow's TypeScript lines
 * through the inline source maps. Each module is loaded once per worker; its exported classes are
 * registered again at each call, so the flow whose task runs owns the names it exports.
 */
export function loadFlowModule(compiled: CompiledFlow): Record<string, unknown> {
  for (const [path, code] of Object.entries(compiled.modules)) sources.set(path, code);
  const exports = loadLocalModule(compiled.entry);
  // The classes a flow file exports are storable: their instances come back with their class.
  registerClasses(exports);
  return exports;
}

/** A compiled flow's modules call this for their local imports (exec/transpile.ts links them so). */
export function loadLocalModule(path: string): Record<string, unknown> {
  const existing = loaded.get(path);
  if (existing) return existing.exports;
  const code = sources.get(path);
  if (code === undefined) throw new Error(`${path} was not compiled with the flow that imports it`);
  const module = new ModuleClass(path);
  module.filename = path;
  module.paths = ModuleClass._nodeModulePaths(dirname(path));
  // Registered before it runs, so that an import cycle sees the partial exports, as Node's own does.
  loaded.set(path, module);
  try {
    module._compile(code, path);
  } catch (error) {
    loaded.delete(path);
    throw error;
  }
  return module.exports;
}

/** The exported flow class of that name. */
export function flowClass(exports: Record<string, unknown>, className: string, flowFile: string): new () => object {
  const value = exports[className];
  if (typeof value !== "function") {
    throw new TsflowError(
      "flow-not-exported",
      `class ${className} is not exported from ${flowFile}: write \`export class ${className} extends FlowSpec\``,
      flowFile,
    );
  }
  return value as new () => object;
}
