import Module from "node:module";
import { dirname } from "node:path";
import { TsflowError } from "../../errors";

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

const loaded = new Map<string, Record<string, unknown>>();

/**
 * Evaluates a compiled flow as if it were the flow file itself: its `require` calls resolve npm
 * packages from the flow's own folder, and stack traces point at the flow's TypeScript lines
 * through the inline source map. Loaded once per worker and flow file.
 */
export function loadFlowModule(flowFile: string, code: string): Record<string, unknown> {
  const existing = loaded.get(flowFile);
  if (existing) return existing;
  const module = new ModuleClass(flowFile);
  module.filename = flowFile;
  module.paths = ModuleClass._nodeModulePaths(dirname(flowFile));
  module._compile(code, flowFile);
  loaded.set(flowFile, module.exports);
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

export function isFlowModuleLoaded(flowFile: string): boolean {
  return loaded.has(flowFile);
}
