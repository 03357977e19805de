import type { V1Container, V1EnvVar, V1Job } from "@kubernetes/client-node";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join } from "node:path";

const CONTAINER_DIR = join(__dirname, "..", "..", "container");

/** The image `npm run image` builds (container/build-image.sh). */
export const TASK_IMAGE = "localhost/tsflow-task";

/**
 * Why podman cannot run the task image here, or undefined when it can: the tier installs podman and
 * runc (container/install.sh) and runs as root, as CI does; a developer's machine may have neither.
 */
export function podmanSkipReason(): string | undefined {
  for (const tool of ["podman", "runc", "mmdebstrap"]) {
    if (!onPath(tool)) return `${tool} is not installed (bash container/install.sh installs it)`;
  }
  if (process.getuid?.() !== 0) return "podman runs the task image as root here, and this is not root";
  return undefined;
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((folder) => folder !== "" && isExecutable(join(folder, tool)));
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A command run to its end, its output kept (asynchronous: an S3 server may be answering in this process). */
function run(command: string, args: string[]): Promise<ProcessResult> {
  return new Promise((resolve) => {
    execFile(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

/** Builds the task image from dist/ (a no-op when the last build had the same inputs). */
export async function buildTaskImage(): Promise<void> {
  const result = await run("bash", [join(CONTAINER_DIR, "build-image.sh")]);
  if (result.code !== 0) throw new Error(`container/build-image.sh failed:\n${result.stdout}${result.stderr}`);
}

/** The guide's recipe for a flow's npm packages: an image FROM the task image (container/flow-deps.Containerfile). */
export const FLOW_DEPS_CONTAINERFILE = join(CONTAINER_DIR, "flow-deps.Containerfile");

/**
 * The CA bundle this machine trusts: a build that fetches npm packages behind a TLS-intercepting
 * proxy (a CI sandbox's) trusts what the host trusts. Debian's Node.js reads the system's bundle.
 */
const HOST_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/** A flow project's package.json and package-lock.json: one small package from the npm registry. */
export const FLOW_DEPS_FIXTURE = join(__dirname, "..", "cluster", "fixtures", "flow-deps");
/** The image the podman test builds from FLOW_DEPS_FIXTURE with the guide's recipe. */
export const FLOW_DEPS_IMAGE = "localhost/tsflow-test-deps";

/**
 * Builds the images the podman test uses, with the arguments it builds them with: the tier runs
 * this before it enters its private network namespace (test/cluster/run.sh), where the Debian
 * mirror and the npm registry are out of reach, so that the test's own builds are cached no-ops.
 */
export async function prepareImages(): Promise<void> {
  await buildTaskImage();
  await buildFlowImage(FLOW_DEPS_FIXTURE, FLOW_DEPS_IMAGE);
}

/** Builds `tag` from the guide's recipe in `project` (its package.json and package-lock.json). */
export async function buildFlowImage(project: string, tag: string): Promise<void> {
  const trust = existsSync(HOST_CA_BUNDLE) ? [`--volume=${HOST_CA_BUNDLE}:${HOST_CA_BUNDLE}:ro`] : [];
  const args = ["build", "--pull=never", ...trust, `--file=${FLOW_DEPS_CONTAINERFILE}`, `--tag=${tag}`, project];
  const result = await podman(args);
  if (result.code !== 0) throw new Error(`podman build of ${tag} failed:\n${result.stdout}${result.stderr}`);
}

/** podman with the project's settings (container/lib.sh): its own storage, cgroupfs, the host's network. */
export function podman(args: string[]): Promise<ProcessResult> {
  return run("bash", [join(CONTAINER_DIR, "podman.sh"), ...args]);
}

/** Where a Job's Secrets are on this machine: a Secret's name → a file of its `KEY=VALUE` lines. */
export type SecretFiles = Record<string, string>;

/** A Job's pod, run to its end in podman. */
export interface PodRun extends ProcessResult {
  /** The pod's name: the Job's, a dash and five characters, as the Job controller names it. */
  pod: string;
  /** The podman command line, to check that no credential is on it. */
  argv: string[];
}

/**
 * Runs the pod of `job` as a kubelet would, in podman with runc: its one container's image,
 * command and args, environment (the downward API's pod name filled in, each referenced Secret
 * passed as an env file, never on the command line), limits and deadline. The container shares the
 * host's network, so it reaches a server on 127.0.0.1. Anything in the Job this cannot translate
 * is an error, so a new field never passes unseen.
 */
export async function runJobInPodman(job: V1Job, secrets: SecretFiles): Promise<PodRun> {
  const pod = `${job.metadata?.name ?? "job"}-${randomBytes(3).toString("hex").slice(0, 5)}`;
  const spec = job.spec?.template.spec;
  if (spec?.containers.length !== 1) throw new Error("the Job's pod must have exactly one container");
  const [container] = spec.containers;
  const argv = [
    "run",
    "--rm",
    "--network=host",
    "--pull=never",
    `--name=${pod}`,
    `--hostname=${pod}`,
    ...limits(container),
    ...(job.spec?.activeDeadlineSeconds ? [`--timeout=${job.spec.activeDeadlineSeconds}`] : []),
    ...environment(container, pod, secrets),
    ...(container.workingDir ? [`--workdir=${container.workingDir}`] : []),
    ...(container.command ? [`--entrypoint=${JSON.stringify(container.command)}`] : []),
    requireImage(container),
    ...(container.args ?? []),
  ];
  return { ...(await podman(argv)), pod, argv };
}

function requireImage(container: V1Container): string {
  if (!container.image) throw new Error("the Job's container names no image");
  return container.image;
}

/** A Guaranteed pod's limits as podman's: memory in its units, CPUs as a fraction. */
function limits(container: V1Container): string[] {
  const { cpu, memory } = container.resources?.limits ?? {};
  return [...(cpu ? [`--cpus=${cpus(cpu)}`] : []), ...(memory ? [`--memory=${bytes(memory)}`] : [])];
}

function cpus(quantity: string): string {
  const milli = /^(\d+)m$/.exec(quantity);
  if (milli) return String(Number(milli[1]) / 1000);
  if (/^\d+(\.\d+)?$/.test(quantity)) return quantity;
  throw new Error(`a CPU quantity this cannot translate: ${quantity}`);
}

function bytes(quantity: string): string {
  const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(quantity);
  if (!match) throw new Error(`a memory quantity this cannot translate: ${quantity}`);
  const unit = { Ki: "k", Mi: "m", Gi: "g" }[match[2] ?? ""] ?? "b";
  return `${match[1]}${unit}`;
}

/** The container's variables: values as they are, the pod's name from the downward API, Secrets as files. */
function environment(container: V1Container, pod: string, secrets: SecretFiles): string[] {
  const fromSecrets = (container.envFrom ?? []).map((source) => {
    const name = source.secretRef?.name;
    if (!name || !(name in secrets)) throw new Error(`envFrom names no Secret this has: ${JSON.stringify(source)}`);
    return `--env-file=${secrets[name]}`;
  });
  // Kubernetes lets `env` win over `envFrom`; podman lets --env win over --env-file.
  return [
    ...fromSecrets,
    ...(container.env ?? []).map((variable) => `--env=${variable.name}=${valueOf(variable, pod)}`),
  ];
}

function valueOf(variable: V1EnvVar, pod: string): string {
  if (variable.value !== undefined) return variable.value;
  if (variable.valueFrom?.fieldRef?.fieldPath === "metadata.name") return pod;
  throw new Error(`a variable this cannot fill in: ${JSON.stringify(variable)}`);
}
