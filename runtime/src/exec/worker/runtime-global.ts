import * as client from "../../client";
import * as authoring from "../../index";
import { RUNTIME_GLOBAL } from "../compile";
import { loadLocalModule } from "./flow-module";

/**
 * Makes this process one that runs steps: compiled flows find `tsflow`, `tsflow/client` and their
 * local modules through RUNTIME_GLOBAL (exec/compile.ts), and a step's stack traces point into the
 * flow's `.ts` files. A worker does it at start; `tsflow step` before its one task.
 */
export function installStepRuntime(): void {
  (globalThis as Record<string, unknown>)[RUNTIME_GLOBAL] = { authoring, client, load: loadLocalModule };
  process.setSourceMapsEnabled(true);
}
