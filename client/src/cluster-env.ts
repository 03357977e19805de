/**
 * Whether a cluster is configured, and where the editor offers to run a flow. A cluster counts as
 * configured when the `tsflow.executors` setting lists it, or when the workspace folder holds the
 * environment `npm run cluster:up` writes (`.tsflow-cluster.env`: a local Slurm and an S3 endpoint,
 * plus Kubernetes when it sets KUBECONFIG). That file's variables are the cluster's datastore,
 * endpoint and credentials: they are layered over the extension host's environment for every
 * process the editor starts (runs, the language server) and for where its views read runs
 * (extensionEnv). The views' own S3 reads take credentials from the AWS SDK's chain only, as
 * everywhere in TSFlow (no credential passes through its code, and the extension host, shared with
 * other extensions, is not given the file's): start the editor from a shell that sourced the file,
 * or keep the credentials in an AWS profile. No editor API here: config.ts reads and watches the
 * file, the tests call these directly.
 */
import type { RemoteExecutor } from "./placements";
import { ENGINE_WORDS } from "./preview/messages";

/** The file `npm run cluster:up` writes in the repository root, as `KEY=VALUE` lines. */
export const CLUSTER_ENV_FILE = ".tsflow-cluster.env";

/** The engines in the order the choice lists them, after running locally. */
const EXECUTORS: readonly RemoteExecutor[] = ["kubernetes", "slurm"];

/** The cluster file's variables, as read at activation; undefined without one. */
let clusterVars: Readonly<Record<string, string>> | undefined;

/** Uses `vars` (a parsed cluster file, or none) from now on. */
export function useClusterEnv(vars: Record<string, string> | undefined): void {
  clusterVars = vars;
}

/** The cluster file's variables in use; undefined when the workspace had none at activation. */
export function clusterEnv(): Readonly<Record<string, string>> | undefined {
  return clusterVars;
}

/**
 * The environment of the CLI processes the editor starts and of its readers: the extension host's,
 * with the cluster file's variables over it (they were written for this workspace).
 */
export function extensionEnv(): NodeJS.ProcessEnv {
  return { ...process.env, ...clusterVars };
}

/**
 * `KEY=VALUE` lines, as a shell's `set -a; . FILE` would read the simple ones: blank lines and `#`
 * comments skipped, an optional `export `, a value in single or double quotes unquoted.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
    if (!match || raw.trim().startsWith("#")) continue;
    const value = match[2].trim();
    const quoted = /^(["'])(.*)\1$/.exec(value);
    vars[match[1]] = quoted ? quoted[2] : value;
  }
  return vars;
}

/**
 * The engines a run can be sent to: those the setting lists, Slurm when a cluster file is there
 * (cluster:up starts one), Kubernetes when that file names a kubeconfig. Empty: runs are local and
 * nobody is asked.
 */
export function offeredExecutors(setting: readonly string[], cluster: Readonly<Record<string, string>> | undefined) {
  const offered = new Set(setting.filter((name): name is RemoteExecutor => EXECUTORS.includes(name as RemoteExecutor)));
  if (cluster) offered.add("slurm");
  if (cluster?.KUBECONFIG) offered.add("kubernetes");
  return EXECUTORS.filter((executor) => offered.has(executor));
}

/** One answer to "where to run": its words in the pick and the flags it adds to `tsflow run`. */
export interface RunPlace {
  label: string;
  description: string;
  /** "", " on Kubernetes": for the titles of the prompts and the progress notification. */
  suffix: string;
  args: string[];
}

/** Locally first, then each engine offered, as `--with kubernetes|slurm` runs every step there. */
export function runPlaces(offered: readonly RemoteExecutor[]): RunPlace[] {
  const local: RunPlace = { label: "Locally", description: "worker processes on this machine", suffix: "", args: [] };
  return [
    local,
    ...offered.map((executor) => ({
      label: `On ${ENGINE_WORDS[executor].name}`,
      description:
        executor === "kubernetes"
          ? "--with kubernetes: each task a Job (steps with @slurm stay on Slurm)"
          : "--with slurm: each task an sbatch job (steps with @kubernetes stay on Kubernetes)",
      suffix: ` on ${ENGINE_WORDS[executor].name}`,
      args: ["--with", executor],
    })),
  ];
}

/** Whether the run's flags already say where to run (`tsflow.runArgs` holding `--with slurm`). */
export function placeGiven(args: readonly string[]): boolean {
  return args.some((arg, i) => arg === "--with" && EXECUTORS.includes(args[i + 1] as RemoteExecutor));
}
