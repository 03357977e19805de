/**
 * The explorer's reads through the client API: each goes through the client of its datastore
 * (../readers.ts), in the namespace it names, so reads run side by side without binding any
 * process-wide setting.
 */
import type { Flow as FlowObject, Run } from "../../../runtime/src/client";
import { readerOf } from "../readers";

/** The flow `name` of the datastore at `root`, in namespace `ns` (null: every user's runs). */
export function flowOf(root: string, name: string, ns: string | null = null): FlowObject {
  return readerOf(root, ns).flow(name);
}

/** The flows of the datastore at `root`, by name. */
export async function flowNames(root: string): Promise<string[]> {
  return (await readerOf(root).flows()).map((flow) => flow.name);
}

/**
 * The run `flow/id` read afresh, as seen from namespace `ns`. Throws NotFoundError or
 * NamespaceError as `Run()` does.
 */
export function readRun(root: string, ns: string | null, flow: string, id: string): Promise<Run> {
  return flowOf(root, flow, ns).run(id);
}
