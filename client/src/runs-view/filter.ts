/** Which runs the explorer lists: a namespace, a tag and a status, all optional. Pure. */
import type { NodeStatus } from "./nodes";

/** The statuses a run can have, in the order the status filter offers them. */
export const RUN_STATUSES = ["running", "succeeded", "failed", "unfinished"] as const;
export type RunStatusFilter = (typeof RUN_STATUSES)[number];

/** The explorer's filter, as the user chose it. */
export interface ExplorerFilter {
  /**
   * Whose runs, written as the `tsflow.namespace` setting is: "" for the user's own, "*" for
   * everyone's, else a namespace tag such as `user:alice`. Undefined follows the setting.
   */
  namespace?: string;
  /** Only runs carrying this tag. */
  tag?: string;
  /** Only runs with this status. */
  status?: RunStatusFilter;
}

/** The namespace in effect: the filter's own, else the setting's. */
export function effectiveNamespace(filter: ExplorerFilter, setting: string): string {
  return (filter.namespace ?? setting).trim();
}

/** The filter as the view's description shows it: "mine", "everyone · tag nightly · failed". */
export function describeFilter(filter: ExplorerFilter, setting: string): string {
  const ns = effectiveNamespace(filter, setting);
  const who = ns === "" ? "mine" : ns === "*" ? "everyone" : ns;
  return [who, filter.tag === undefined ? "" : `tag ${filter.tag}`, filter.status ?? ""].filter(Boolean).join(" · ");
}

/** Whether the filter narrows anything beyond the setting's namespace (the Clear button shows then). */
export function isFiltered(filter: ExplorerFilter): boolean {
  return filter.namespace !== undefined || filter.tag !== undefined || filter.status !== undefined;
}

/** Whether a run of `status` passes the status filter. */
export function statusMatches(filter: ExplorerFilter, status: NodeStatus): boolean {
  return filter.status === undefined || filter.status === status;
}

/** A stored filter read back; anything malformed is dropped rather than trusted. */
export function parseFilter(value: unknown): ExplorerFilter {
  if (typeof value !== "object" || value === null) return {};
  const { namespace, tag, status } = value as Record<string, unknown>;
  return {
    ...(typeof namespace === "string" ? { namespace } : {}),
    ...(typeof tag === "string" && tag !== "" ? { tag } : {}),
    ...(RUN_STATUSES.includes(status as RunStatusFilter) ? { status: status as RunStatusFilter } : {}),
  };
}
