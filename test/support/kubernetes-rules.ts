import { Job } from "kubernetes-models/batch/v1";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

// What the fake Kubernetes API (kubernetes-api.ts) checks of what it is sent, and how a test
// points a client at it.

/** A kubeconfig file in `dir` whose current context is the fake (plain http, so TLS verification is off). */
export function writeKubeconfig(dir: string, server: string, namespace?: string): string {
  const path = join(dir, "kubeconfig");
  const context = namespace
    ? `{ cluster: fake, user: tester, namespace: ${namespace} }`
    : "{ cluster: fake, user: tester }";
  writeFileSync(
    path,
    [
      "apiVersion: v1",
      "kind: Config",
      `clusters: [{ name: fake, cluster: { server: "${server}", insecure-skip-tls-verify: true } }]`,
      "users: [{ name: tester, user: { token: fake-token } }]",
      `contexts: [{ name: fake, context: ${context} }]`,
      "current-context: fake",
      "",
    ].join("\n"),
  );
  return path;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Why a Job body would be refused: the schema, then the rules the API server adds to it. */
export function jobProblem(body: unknown, namespace: string): string | undefined {
  try {
    new Job(body as never).validate();
  } catch (error) {
    return (error as Error).message;
  }
  const job = body as {
    metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
    spec?: { template?: { metadata?: { labels?: Record<string, string> } } };
  };
  const name = job.metadata?.name ?? "";
  if (!DNS_LABEL.test(name) || name.length > 63)
    return `metadata.name "${name}" is not a DNS-1123 label of at most 63 characters`;
  if (job.metadata?.namespace && job.metadata.namespace !== namespace)
    return `metadata.namespace "${job.metadata.namespace}" does not match the request's "${namespace}"`;
  for (const labels of [job.metadata?.labels, job.spec?.template?.metadata?.labels]) {
    for (const [key, value] of Object.entries(labels ?? {})) {
      if (!LABEL_KEY.test(key) || (key.split("/").pop() ?? "").length > 63) return `label key "${key}" is invalid`;
      if (!LABEL_VALUE.test(value) || value.length > 63) return `label value "${value}" of ${key} is invalid`;
    }
  }
  return undefined;
}
