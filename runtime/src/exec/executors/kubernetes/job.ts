import type { V1Job } from "@kubernetes/client-node";
import type { KubernetesOptions } from "../../../authoring/decorators";
import { currentUser } from "../../../config";
import type { StepCommand, TaskLaunch } from "../../executor";
import { jobManifest } from "./manifest";
import { jobName } from "./names";
import { podRequest } from "./options";
import { kubernetesSettings, type KubernetesSettings } from "./settings";

/** A Job ready to create: its manifest, with the name and namespace it was given. */
export interface AttemptJobManifest {
  name: string;
  namespace: string;
  manifest: V1Job & { metadata: { name: string; namespace: string } };
}

/**
 * The Job for one attempt, everything resolved: the step's `@kubernetes` options (or none, for
 * `--with kubernetes`) over its `@resources`, the settings of `env` (TSFLOW_KUBERNETES_*), the
 * namespace (the step's, TSFLOW_KUBERNETES_NAMESPACE, the kubeconfig context's, `default`), a
 * fresh unique name. Throws a TsflowError for a step that cannot run (no image, a bad option).
 * Loads no Kubernetes client: the image tests run its container in podman with it.
 */
export function jobForAttempt(
  launch: TaskLaunch,
  command: StepCommand,
  env: NodeJS.ProcessEnv,
  contextNamespace?: string,
  settings: KubernetesSettings = kubernetesSettings(env),
): AttemptJobManifest {
  const options: KubernetesOptions = launch.plan.remote?.kind === "kubernetes" ? launch.plan.remote.options : {};
  const request = podRequest(launch.plan, options);
  const namespace = request.namespace ?? settings.namespace ?? contextNamespace ?? "default";
  const name = jobName(launch.spec);
  const user = currentUser(env);
  const manifest = jobManifest({ launch, command, request, settings, name, namespace, user });
  return { name, namespace, manifest: { ...manifest, metadata: { ...manifest.metadata, name, namespace } } };
}
