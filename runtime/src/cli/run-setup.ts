import { availableParallelism } from "node:os";
import { readFileSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import { openDatastore, type Datastore } from "../datastore";
import { localCache } from "../datastore/local-cache";
import type { ArtifactRef } from "../datastore/records";
import { TsflowError } from "../errors";
import { analyzeCached } from "../exec/analysis-cache";
import { compileFlow, type CompiledFlow } from "../exec/compile";
import { jsonObserver } from "../exec/observers/json";
import { terminalObserver } from "../exec/observers/terminal";
import type { RunObserver } from "../exec/observer";
import type { FlowGraph, JsonValue } from "../graph/model";
import { planFlow, sendRemote, type RemoteExecution, type RunPlan } from "../exec/plan";
import { runFlow, type RunRequest } from "../exec/run-flow";
import { WorkerPool } from "../exec/worker-pool";
import { localExecutor } from "../exec/executors/local";
import { EXIT } from "./exit-codes";
import { currentUser, datastoreEnv, resolveDatastore } from "../config";
import { checkUserTag } from "../metadata/identity";
import { UsageError } from "./args";
import { painter } from "./format/color";
import { countText, formatDiagnostic } from "./format/diagnostics";
import type { CliIO } from "./io";
import { tsflowCommand } from "../format/command-hint";

/** The options `run` and `resume` share; everything else on their command line is a parameter. */
const OPTIONS: Record<string, "string" | "strings" | "boolean"> = {
  "max-workers": "string",
  with: "strings",
  tag: "strings",
  "run-id-file": "string",
  "datastore-root": "string",
  flow: "string",
  "origin-run-id": "string",
  json: "boolean",
  help: "boolean",
};

export interface RunArgs {
  positionals: string[];
  /** `--name VALUE` pairs that are not the command's own options: the flow's parameters. */
  rest: string[];
  maxWorkers: number;
  /**
   * Remote tasks at once: `--max-workers` when given, else REMOTE_WORKERS. A cluster, not this
   * machine's cores, bounds them: a foreach over 100 goes to Slurm as one job array.
   */
  remoteWorkers: number;
  withRetry: boolean;
  /** `--with kubernetes|slurm`: every step without its own `@kubernetes`/`@slurm` runs there. */
  withRemote?: RemoteExecution["kind"];
  tags: string[];
  runIdFile?: string;
  datastoreRoot?: string;
  flow?: string;
  originRunId?: string;
  json: boolean;
  help: boolean;
}

/** Separates the command's own options from the flow's parameters, which only the flow defines. */
export function splitRunArgs(command: string, argv: string[], allowed: string[]): RunArgs {
  const values: Record<string, string[]> = {};
  const positionals: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const match = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    const kind = match && allowed.includes(match[1]) ? OPTIONS[match[1]] : undefined;
    if (arg === "-h") values.help = ["true"];
    else if (!match && !arg.startsWith("-")) (rest.length ? rest : positionals).push(arg);
    else if (!kind) {
      rest.push(arg);
      if (match && match[2] === undefined && argv[i + 1] !== undefined && !argv[i + 1].startsWith("--"))
        rest.push(argv[++i]);
    } else if (kind === "boolean") values[match![1]] = ["true"];
    else {
      const value = match![2] ?? argv[++i];
      if (value === undefined) throw new UsageError(`${command}: option '--${match![1]}' needs a value`);
      (values[match![1]] ??= []).push(value);
    }
  }
  return {
    positionals,
    rest,
    maxWorkers: maxWorkers(command, values["max-workers"]?.at(-1)) ?? availableParallelism(),
    remoteWorkers: maxWorkers(command, values["max-workers"]?.at(-1)) ?? REMOTE_WORKERS,
    ...withDecorators(command, values.with ?? []),
    tags: (values.tag ?? []).map(checkUserTag),
    runIdFile: values["run-id-file"]?.at(-1),
    datastoreRoot: values["datastore-root"]?.at(-1),
    flow: values.flow?.at(-1),
    originRunId: values["origin-run-id"]?.at(-1),
    json: values.json !== undefined,
    help: values.help !== undefined,
  };
}

/** Remote tasks at once when `--max-workers` is not given (Metaflow users pass about as many). */
export const REMOTE_WORKERS = 100;

function maxWorkers(command: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${command}: --max-workers takes a whole number of at least 1, not '${raw}'`);
  return n;
}

const REMOTE_KINDS: ReadonlyArray<RemoteExecution["kind"]> = ["kubernetes", "slurm"];

/** `--with retry` and `--with kubernetes|slurm`: decorators applied to every step without its own. */
function withDecorators(command: string, names: string[]): Pick<RunArgs, "withRetry" | "withRemote"> {
  const remote = new Set<RemoteExecution["kind"]>();
  for (const name of names) {
    if (REMOTE_KINDS.includes(name as RemoteExecution["kind"])) remote.add(name as RemoteExecution["kind"]);
    else if (name !== "retry")
      throw new UsageError(
        `${command}: --with ${name}: only \`retry\`, \`kubernetes\` and \`slurm\` can be applied to every step`,
      );
  }
  if (remote.size > 1)
    throw new UsageError(`${command}: --with kubernetes and --with slurm: every step runs in one place; pick one`);
  const [withRemote] = remote;
  return { withRetry: names.includes("retry"), ...(withRemote ? { withRemote } : {}) };
}

/**
 * A run whose steps run on a cluster needs a datastore the cluster reaches: a folder on this
 * machine is refused before anything starts, saying how to configure S3.
 */
export function refuseLocalDatastore(command: string, plan: RunPlan, datastore: Datastore): void {
  if (datastore.location.kind !== "local") return;
  const remote = plan.order.map((name) => plan.steps.get(name)).find((step) => step?.remote);
  if (!remote?.remote) return;
  const engine = remote.remote.kind === "kubernetes" ? "Kubernetes" : "Slurm";
  throw new UsageError(
    `${command}: step \`${remote.name}\` runs on ${engine}, which cannot read the local datastore ${datastore.root}: use S3 (TSFLOW_DATASTORE_ROOT=s3://BUCKET/PREFIX, with TSFLOW_S3_ENDPOINT_URL for an endpoint other than AWS), or start a local cluster with \`npm run cluster:up\` and load the settings it writes to .tsflow-cluster.env`,
  );
}

export function openRunDatastore(args: RunArgs, io: CliIO): Datastore {
  return openDatastore(resolveDatastore({ cwd: io.cwd, env: io.env, option: args.datastoreRoot }));
}

export interface RunnableFlow {
  path: string;
  displayPath: string;
  graph: FlowGraph;
}

/**
 * Reads and analyzes the flow file. A flow with errors is refused: its diagnostics are printed as
 * `tsflow check` prints them, and the command fails with exit code 1.
 */
export async function loadRunnableFlow(
  command: string,
  file: string | undefined,
  flowName: string | undefined,
  datastore: Datastore,
  io: CliIO,
): Promise<RunnableFlow> {
  if (!file) throw new UsageError(`${command}: missing FILE: run \`tsflow ${command} FILE\` with a flow file`);
  const path = resolve(io.cwd, file);
  const displayPath = file;
  let text: string;
  try {
    if (!statSync(path).isFile()) throw new UsageError(`${displayPath}: not a file`);
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${displayPath}: no such file`);
  }
  const analysis = await analyzeCached(path, text, localCache(datastore, io.env));
  if (analysis.flows.length === 0)
    throw new UsageError(
      `${displayPath}: no flow found: a flow is a class that extends FlowSpec (import { FlowSpec } from "tsflow")`,
    );
  const flows = flowName ? analysis.flows.filter((f) => f.graph.name === flowName) : analysis.flows;
  if (flowName && flows.length === 0)
    throw new UsageError(
      `${displayPath}: no flow named '${flowName}': the file defines ${analysis.flows.map((f) => f.graph.name).join(", ")}`,
    );
  if (flows.length > 1)
    throw new UsageError(
      `${displayPath} defines ${flows.map((f) => f.graph.name).join(", ")}: pick one with --flow NAME`,
    );
  const errors = [...analysis.diagnostics, ...flows[0].diagnostics].filter((d) => d.severity === "error");
  if (errors.length > 0) {
    const paint = painter(io.color);
    for (const d of errors) io.stderr(formatDiagnostic(displayPath, text, d, paint));
    throw new TsflowError(
      "refused",
      `${flows[0].graph.name} has ${countText(errors.length, 0)}, so it does not run: fix ${errors.length === 1 ? "it" : "them"} (${tsflowCommand(["check", displayPath], { flow: flowName })})`,
    );
  }
  return { path, displayPath, graph: flows[0].graph };
}

export async function compile(flow: RunnableFlow, datastore: Datastore, io: CliIO): Promise<CompiledFlow> {
  return (await compileFlow(flow.path, localCache(datastore, io.env))).compiled;
}

export function runObserver(args: RunArgs, io: CliIO, datastore: Datastore, file: string): RunObserver {
  if (args.json) return jsonObserver(io.stdout, datastore.root);
  // A folder below the working one is shown relative to it; a bucket (s3://) is no path to relate.
  const root = datastore.location.kind === "local" ? relative(io.cwd, datastore.root) : "";
  const shown = root && !root.startsWith("..") ? root : datastore.root;
  return terminalObserver({
    write: io.stdout,
    paint: painter(io.color),
    live: io.color,
    file,
    datastore: shown,
    given: { datastoreRoot: args.datastoreRoot, flow: args.flow },
  });
}

/** What differs between `run` and `resume` once the flow is loaded: parameters, and for resume its plan. */
export interface RunSpecifics {
  parameters: Record<string, JsonValue>;
  fileParameters?: Record<string, ArtifactRef>;
  plan?: RunPlan;
  resume?: RunRequest["resume"];
}

/**
 * Runs a flow as `run` and `resume` both do: workers boot while the flow is analyzed and compiled,
 * then the run goes to its end; the exit code says whether it succeeded.
 */
export async function launchRun(
  command: string,
  args: RunArgs,
  io: CliIO,
  specifics: (flow: RunnableFlow, datastore: Datastore, user: string) => Promise<RunSpecifics>,
): Promise<number> {
  const datastore = openRunDatastore(args, io);
  const pool = new WorkerPool(args.maxWorkers, { ...io.env, ...datastoreEnv(datastore.location) });
  pool.warm();
  try {
    const flow = await loadRunnableFlow(command, args.positionals[0], args.flow, datastore, io);
    refuseLocalDatastore(command, planFlow(flow.graph, args.withRemote), datastore);
    const user = currentUser(io.env);
    const { parameters, fileParameters, plan, resume } = await specifics(flow, datastore, user);
    const runPlan = plan && args.withRemote ? sendRemote(plan, args.withRemote) : plan;
    const compiled = await compile(flow, datastore, io);
    pool.preload(compiled);
    const observer = runObserver(args, io, datastore, flow.displayPath);
    const request: RunRequest = {
      datastore,
      flowFile: flow.path,
      graph: flow.graph,
      compiled,
      parameters,
      ...(fileParameters ? { fileParameters } : {}),
      tags: args.tags,
      user,
      remoteWorkers: args.remoteWorkers,
      withRetry: args.withRetry,
      local: localExecutor(pool, args.maxWorkers),
      env: io.env,
      observer,
      ...(resume ? { resume } : {}),
      ...(args.runIdFile ? { runIdFile: args.runIdFile } : {}),
    };
    const run = await runFlow(request, runPlan ?? planFlow(flow.graph, args.withRemote));
    return run.status === "succeeded" ? EXIT.ok : EXIT.failed;
  } finally {
    pool.close();
  }
}
