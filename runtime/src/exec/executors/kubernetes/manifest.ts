import type { V1EnvVar, V1Job, V1ResourceRequirements } from "@kubernetes/client-node";
import { TsflowError } from "../../../errors";
import type { StepCommand, TaskLaunch } from "../../executor";
import { LABEL_PREFIX, labelValue } from "./names";
import type { PodRequest } from "./options";
import type { KubernetesSettings } from "./settings";

/** The name of the task's container in its pod. */
export const CONTAINER = "step";

/** Everything a Job for one attempt is made of, resolved by the executor. */
export interface JobInput {
  launch: TaskLaunch;
  /** The task contract (`tsflow` + args, run by the image's entry point, with env). */
  command: StepCommand;
  /** The checked `@kubernetes` options over `@resources` (options.ts). */
  request: PodRequest;
  settings: KubernetesSettings;
  /** A unique DNS-1123 name (names.ts `jobName`). */
  name: string;
  namespace: string;
  user: string;
}

/**
 * Variables that hold credentials are never written into a Job, whatever put them in the step
 * command's environment: pods get credentials only from Secrets they reference (`envFrom`).
 */
const CREDENTIAL = /^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)$|SECRET|TOKEN|PASSWORD|CREDENTIAL/i;

/**
 * The `batch/v1` Job that runs one attempt of a task: one pod, never restarted, never retried by
 * Kubernetes (`backoffLimit: 0`: retries are TSFlow's scheduler's), its container running the task
 * contract with the image's entry point. Pure: the same input gives the same object.
 */
export function jobManifest(input: JobInput): V1Job {
  const { launch, request, name, namespace } = input;
  const labels = jobLabels(input);
  const timeout = launch.plan.timeoutSeconds;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace, labels, annotations: jobAnnotations(input) },
    spec: {
      backoffLimit: 0,
      ...(timeout ? { activeDeadlineSeconds: Math.ceil(timeout) } : {}),
      ttlSecondsAfterFinished: input.settings.ttlSecondsAfterFinished,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          containers: [
            {
              name: CONTAINER,
              image: imageOf(input),
              args: input.command.args,
              env: containerEnv(input.command),
              ...envFrom(request.secrets, input.settings.secrets),
              resources: resources(request),
            },
          ],
          ...(request.nodeSelector ? { nodeSelector: request.nodeSelector } : {}),
          ...(request.tolerations ? { tolerations: request.tolerations } : {}),
          ...serviceAccount(request.serviceAccount ?? input.settings.serviceAccount),
        },
      },
    },
  };
}

/** The labels a Job and its pod carry: what `kubectl get jobs -l tsflow.dev/run-id=...` selects. */
export function jobLabels(input: Pick<JobInput, "launch" | "user">): Record<string, string> {
  const labels: Record<string, string> = { "app.kubernetes.io/managed-by": "tsflow" };
  for (const [key, value] of identity(input)) labels[`${LABEL_PREFIX}/${key}`] = labelValue(value);
  return labels;
}

/** The same identity unaltered, where a label had to shorten or replace characters. */
function jobAnnotations(input: JobInput): Record<string, string> {
  return Object.fromEntries(identity(input).map(([key, value]) => [`${LABEL_PREFIX}/${key}`, value]));
}

function identity({ launch: { spec }, user }: Pick<JobInput, "launch" | "user">): Array<[string, string]> {
  return [
    ["flow", spec.flow],
    ["run-id", spec.runId],
    ["step", spec.step],
    ["task-id", spec.taskId],
    ["attempt", String(spec.attempt)],
    ["user", user],
  ];
}

function imageOf({ request, settings, launch }: JobInput): string {
  const image = request.image ?? settings.image;
  if (image) return image;
  throw new TsflowError(
    "kubernetes-image",
    `step ${launch.plan.name}: no image to run it on Kubernetes: give @kubernetes({ image }) or set TSFLOW_KUBERNETES_IMAGE (an image built from the Containerfile)`,
  );
}

/** The contract's environment, where the task ran (the pod's name, from the downward API), no credential. */
function containerEnv(command: StepCommand): V1EnvVar[] {
  const env: V1EnvVar[] = Object.entries(command.env)
    .filter(([key]) => !CREDENTIAL.test(key) && !key.startsWith("TSFLOW_EXECUTOR"))
    .map(([key, value]) => ({ name: key, value }));
  env.push({ name: "TSFLOW_EXECUTOR", value: "kubernetes" });
  env.push({ name: "TSFLOW_EXECUTOR_ID", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } });
  return env;
}

function envFrom(...lists: string[][]) {
  const names = [...new Set(lists.flat())];
  return names.length === 0 ? {} : { envFrom: names.map((name) => ({ secretRef: { name } })) };
}

/** Requests and limits alike (a Guaranteed pod): a step gets what it asked for and no more. */
function resources(request: PodRequest): V1ResourceRequirements {
  const amounts: Record<string, string> = { cpu: cpuQuantity(request.cpu), memory: `${Math.ceil(request.memory)}Mi` };
  if (request.gpu) amounts["nvidia.com/gpu"] = String(request.gpu);
  return { requests: { ...amounts }, limits: { ...amounts } };
}

/** Whole CPUs as a count, fractions in millicores. */
function cpuQuantity(cpu: number): string {
  return Number.isInteger(cpu) ? String(cpu) : `${Math.ceil(cpu * 1000)}m`;
}

function serviceAccount(name: string | undefined) {
  return name ? { serviceAccountName: name } : {};
}
