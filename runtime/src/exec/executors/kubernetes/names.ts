import { createHash, randomBytes } from "node:crypto";
import type { TaskSpec } from "../../protocol";

/** Kubernetes' limit on a label value and on a Job's name (its pods carry it as a label). */
const MAX_NAME = 63;

/** The prefix of every label and annotation TSFlow puts on a Job and its pods. */
export const LABEL_PREFIX = "tsflow.dev";

/**
 * A Job's name for one attempt: DNS-1123 (lowercase alphanumerics and `-`, at most 63 characters),
 * readable (flow, step, task, attempt) and unique: a random suffix, so two datastores sharing a
 * namespace never race for one name and a retried create recognises its own Job.
 */
export function jobName(spec: Pick<TaskSpec, "flow" | "runId" | "step" | "taskId" | "attempt">): string {
  const suffix = randomBytes(4).toString("hex");
  const readable = dnsLabel(`${spec.flow}-${spec.runId}-${spec.step}-${spec.taskId}-a${spec.attempt}`);
  const head = readable.slice(0, MAX_NAME - suffix.length - 1).replace(/-+$/, "");
  return `${head || "tsflow"}-${suffix}`;
}

/** Lowercase alphanumerics and single dashes, starting and ending with an alphanumeric. */
function dnsLabel(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * A value as a label value: alphanumerics, `-`, `_`, `.`, starting and ending with an alphanumeric,
 * at most 63 characters. A value that had to change is cut and ends with a hash of the original,
 * so two different values never share a label; the annotation beside it keeps the original.
 */
export function labelValue(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  if (cleaned === value && value.length <= MAX_NAME) return value;
  const hash = createHash("sha256").update(value).digest("hex").slice(0, 8);
  const head = cleaned.slice(0, MAX_NAME - hash.length - 1).replace(/[^A-Za-z0-9]+$/, "");
  return head ? `${head}-${hash}` : hash;
}
