import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { TsflowError } from "../../../errors";
import { KubeConfig } from "./sdk";

/** Where a service account's token is mounted in a pod: TSFlow itself runs in the cluster. */
const IN_CLUSTER_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/** A cluster to talk to, as the kubeconfig names it. */
export interface ClusterAccess {
  config: KubeConfig;
  /** The current context's namespace, when it names one. */
  namespace?: string;
  /** Where the configuration came from, for messages: a file, or `in-cluster`. */
  source: string;
}

/**
 * The cluster of `env`'s kubeconfig: the files in KUBECONFIG (merged, as kubectl does), else
 * ~/.kube/config, else the service account of the pod TSFlow runs in. One clear line when none is
 * there or it cannot be read; never the SDK's silent fallback to localhost:8080.
 */
export function loadKubeConfig(env: NodeJS.ProcessEnv): ClusterAccess {
  const files = (env.KUBECONFIG ?? "").split(delimiter).filter((file) => file !== "");
  const home = env.HOME || homedir();
  const standard = join(home, ".kube", "config");
  if (files.length === 0 && existsSync(standard)) files.push(standard);
  if (files.length > 0) return fromFiles(files);
  if (env.KUBERNETES_SERVICE_HOST && existsSync(IN_CLUSTER_TOKEN)) return inCluster();
  throw new TsflowError(
    "kubeconfig",
    `no kubeconfig to reach Kubernetes: set KUBECONFIG, or write ${standard} (kubectl config view shows what kubectl uses)`,
  );
}

function fromFiles(files: string[]): ClusterAccess {
  const config = new KubeConfig();
  files.forEach((file, index) => {
    const part = index === 0 ? config : new KubeConfig();
    try {
      part.loadFromFile(file);
    } catch (error) {
      throw new TsflowError("kubeconfig", `cannot read the kubeconfig ${file}: ${reasonOf(error)}`, file);
    }
    if (part !== config) config.mergeConfig(part, true);
  });
  return checked(config, files.join(delimiter));
}

function inCluster(): ClusterAccess {
  const config = new KubeConfig();
  config.loadFromCluster();
  return checked(config, "in-cluster");
}

/** A kubeconfig whose current context names a cluster with a server, and that context's namespace. */
function checked(config: KubeConfig, source: string): ClusterAccess {
  const context = config.getContextObject(config.getCurrentContext());
  if (!context) {
    const name = config.getCurrentContext();
    throw new TsflowError(
      "kubeconfig",
      `the kubeconfig ${source} has ${name ? `no context "${name}"` : "no current-context"}: kubectl config use-context NAME`,
      source,
    );
  }
  const cluster = config.getCurrentCluster();
  if (!cluster?.server) {
    throw new TsflowError(
      "kubeconfig",
      `the kubeconfig ${source}: context "${context.name}" names no cluster with a server`,
      source,
    );
  }
  // The client refuses plain http unless told to: say so once, not on every request.
  if (cluster.server.startsWith("http:") && !cluster.skipTLSVerify) {
    throw new TsflowError(
      "kubeconfig",
      `the kubeconfig ${source}: the cluster ${cluster.server} is plain http, which the Kubernetes client uses only with insecure-skip-tls-verify: true`,
      source,
    );
  }
  return { config, source, ...(context.namespace ? { namespace: context.namespace } : {}) };
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES") return "permission denied";
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
