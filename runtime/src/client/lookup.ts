import { NotFoundError } from "../datastore/errors";
import type { RunRecord } from "../datastore/records";
import { closestName } from "../graph/checks/check";
import { NamespaceError } from "./errors";
import type { ClientStore } from "./store";

/** Whether a run carries the namespace's tag; every run is in the null namespace. */
export function inNamespace(run: RunRecord, ns: string | null): boolean {
  return ns === null || run.systemTags.includes(ns) || run.tags.includes(ns);
}

/** Throws a NotFoundError naming the flow, with a guess, when it has no runs in the datastore. */
export async function requireFlow(store: ClientStore, flow: string): Promise<void> {
  if ((await store.runIds(flow)).length > 0) return;
  const flows = await store.flows();
  const guess = closestName(flow, flows);
  const known = guess
    ? `did you mean '${guess}'?`
    : flows.length
      ? `its flows are ${flows.slice(0, 10).join(", ")}${flows.length > 10 ? ", ..." : ""}`
      : "it holds no runs yet";
  throw new NotFoundError(`no flow '${flow}' in ${store.root}: ${known}`, flow);
}

/**
 * A run's record, read afresh. Throws a NotFoundError naming the pathspec when it does not exist
 * and a NamespaceError when it is outside the namespace `ns`.
 */
export async function loadRun(store: ClientStore, flow: string, id: string, ns: string | null): Promise<RunRecord> {
  const record = await store.run(flow, id);
  if (!record) {
    await requireFlow(store, flow);
    const [newest] = await store.runIds(flow);
    throw new NotFoundError(
      `no run ${flow}/${id} in ${store.root}: the newest run of ${flow} is ${newest}`,
      `${flow}/${id}`,
    );
  }
  if (ns !== null && !inNamespace(record, ns)) throw new NamespaceError(`${flow}/${id}`, ns);
  return record;
}
