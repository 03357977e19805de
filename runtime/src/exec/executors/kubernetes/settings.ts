import { TsflowError } from "../../../errors";

/**
 * The Kubernetes settings a run takes from its environment, each the default for what a step's
 * `@kubernetes` options leave out. Read once when the executor opens.
 */
export interface KubernetesSettings {
  /** TSFLOW_KUBERNETES_IMAGE: the task image (see Containerfile). */
  image?: string;
  /** TSFLOW_KUBERNETES_NAMESPACE; else the kubeconfig context's namespace, else `default`. */
  namespace?: string;
  /**
   * TSFLOW_KUBERNETES_SECRETS: names of Kubernetes Secrets (comma-separated) every task's pod gets
   * as its environment, e.g. the one holding the datastore's AWS credentials.
   */
  secrets: string[];
  /** TSFLOW_KUBERNETES_SERVICE_ACCOUNT: the pods' service account (IRSA, workload identity). */
  serviceAccount?: string;
  /** TSFLOW_KUBERNETES_TTL_SECONDS: how long a finished Job stays for `kubectl` (default a day). */
  ttlSecondsAfterFinished: number;
}

const DAY_SECONDS = 24 * 60 * 60;

/** The settings in `env`; a malformed number is named in one line. */
export function kubernetesSettings(env: NodeJS.ProcessEnv): KubernetesSettings {
  const secrets = (env.TSFLOW_KUBERNETES_SECRETS ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  return {
    ...optional("image", env.TSFLOW_KUBERNETES_IMAGE),
    ...optional("namespace", env.TSFLOW_KUBERNETES_NAMESPACE),
    ...optional("serviceAccount", env.TSFLOW_KUBERNETES_SERVICE_ACCOUNT),
    secrets,
    ttlSecondsAfterFinished: seconds(env.TSFLOW_KUBERNETES_TTL_SECONDS, DAY_SECONDS),
  };
}

function optional<K extends string>(key: K, value: string | undefined): { [k in K]?: string } {
  const trimmed = value?.trim();
  return (trimmed ? { [key]: trimmed } : {}) as { [k in K]?: string };
}

function seconds(text: string | undefined, fallback: number): number {
  if (text === undefined || text.trim() === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new TsflowError(
      "kubernetes-settings",
      `TSFLOW_KUBERNETES_TTL_SECONDS is "${text}": expected a whole number of seconds`,
    );
  }
  return value;
}
