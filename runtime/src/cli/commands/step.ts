import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { userCacheDir } from "../../config/cache-dir";
import { openDatastore, type Datastore } from "../../datastore";
import { isSafeSegment } from "../../datastore/layout";
import { localCache } from "../../datastore/local-cache";
import { TsflowError } from "../../errors";
import { analyzeCached } from "../../exec/analysis-cache";
import { compileFlow } from "../../exec/compile";
import { planFlow } from "../../exec/plan";
import { stepCode } from "../../exec/step-code";
import { stepTaskSpec } from "../../exec/step-spec";
import { runStepTask } from "../../exec/step-task";
import type { FlowGraph } from "../../graph/model";
import { errorHeadline } from "../../format/task-error";
import { parseCommandArgs, UsageError } from "../args";
import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import type { CliIO } from "../io";
import { executorPlacement, stepDatastore, stepTaskArgs } from "../step-args";

const HELP = `Usage: tsflow step FILE STEP --run-id ID --task-id ID [--input-paths PATHS]
                   [--split-index N] [--retry-count N] [--crash-error JSON] [--flow NAME]

Runs one attempt of one task of a run that exists, in this process, and exits with
its result: the task contract a cluster (Kubernetes, Slurm) runs for \`tsflow run\`.
It reads the run's record and its input tasks' records from the datastore, runs the
step, and stores its artifacts, logs and task record (succeeded, or this failed
attempt after the earlier ones). FILE is the flow file as the run recorded it; when
it is not here or differs from the code the run started with, the run's code package
is fetched from the datastore into the user cache folder and run from there.

Options:
  --run-id ID           the run the task belongs to (default: TSFLOW_RUN_ID)
  --task-id ID          the task's id
  --input-paths PATHS   the tasks it starts from (none for start), compact:
                        STEP/ID, ranges STEP/FIRST-LAST, more ids of the step named
                        last after a comma: "body/2-101,205,other/7"; @FILE reads
                        them from a file, - from stdin; may be given more than once
  --split-index N       the element of its parent's foreach the task handles (only
                        for a task right after a foreach split)
  --retry-count N       the attempt: 0 for the first (default), 1 for the first retry
  --crash-error JSON    @catchError's fallback attempt: the error of the attempt before,
                        whose process died ({"type", "message"}); the step is not run
                        again, its @catchError variable stores the error
  --flow NAME           the flow class (default: the one FILE defines)
  -h, --help            show this help

Environment (its only configuration; never on the command line):
  TSFLOW_DATASTORE_ROOT   the run's datastore: a folder or s3://BUCKET/PREFIX (required)
  TSFLOW_S3_ENDPOINT_URL  an S3-compatible store's endpoint (MinIO, Ceph, R2)
  AWS_*                   credentials and region, through the AWS SDK's standard chain
  TSFLOW_RUN_ID           the run, when --run-id is not given
  TSFLOW_USER             the run's user: the default namespace of tsflow/client in the step
  TSFLOW_CACHE_DIR        the user cache folder (code packages, compiled flows)
  TSFLOW_LOG_LIMIT        bytes kept of each of the task's streams (default 16 MiB)
  TSFLOW_EXECUTOR         where it runs, kept in the task record: kubernetes, slurm
  TSFLOW_EXECUTOR_ID      the engine's name for it there: a pod name, a Slurm job id

Exit codes: 0 the task succeeded, 1 the step failed (its record holds the attempt) or
the datastore could not be used, 2 a usage error (unknown run, step or input task,
a missing variable).
`;

/** `tsflow step`: runs one task of a run in this process (the engine-neutral task contract). */
export const stepCommand: Command = {
  name: "step",
  summary: "run one task of a run here (what a cluster runs)",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("step", argv, STEP_OPTIONS, 2);
    const [file, step] = positionals;
    if (step === undefined) throw new UsageError("step: missing FILE or STEP: tsflow step FILE STEP --run-id ID ...");
    const task = stepTaskArgs(values, step, io);
    const ranOn = executorPlacement(io.env);
    const location = stepDatastore(io);
    const datastore = openDatastore(location);
    const path = resolve(io.cwd, file);
    const flow = values.flow ?? (await onlyFlow(path, datastore, io)).name;
    if (!isSafeSegment(flow)) throw new UsageError(`step: --flow '${flow}' is not a flow class name`);
    const run = await datastore.runs.read(flow, task.runId);
    if (!run) throw new TsflowError("not-found", `step: no run ${flow}/${task.runId} in ${datastore.root}`);
    const code = await stepCode(path, run, datastore, userCacheDir(io.env));
    // Silent where FILE is absent (a container: the usual case); said where it is here but edited since.
    if (code.source === "package" && existsSync(path))
      io.stderr(`tsflow: ${path} differs from the code run ${flow}/${run.id} started with: running that code\n`);
    const graph = await flowGraph(code.entry, flow, datastore, io);
    const spec = await stepTaskSpec(
      { datastore, location, run, graph, plan: planFlow(graph), flowFile: code.entry },
      task,
    );
    const { compiled } = await compileFlow(code.entry, localCache(datastore, io.env));
    const outcome = await runStepTask(spec, compiled, datastore, ranOn);
    if (outcome.status === "succeeded") return EXIT.ok;
    const error = outcome.error ?? { type: "Error", message: "the step failed without saying why" };
    io.stderr(
      `tsflow: ${flow}/${run.id}/${step}/${task.taskId} failed (attempt ${task.retryCount}): ${errorHeadline(error)}\n`,
    );
    return EXIT.failed;
  },
};

const STEP_OPTIONS = {
  "run-id": { type: "string" },
  "task-id": { type: "string" },
  "input-paths": { type: "string", multiple: true },
  "split-index": { type: "string" },
  "retry-count": { type: "string" },
  "crash-error": { type: "string" },
  flow: { type: "string" },
} as const;

/** The flow FILE defines, when it is here and defines one (else `--flow` must name it). */
async function onlyFlow(path: string, datastore: Datastore, io: CliIO): Promise<FlowGraph> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new UsageError(`step: ${path} is not here: name the flow with --flow NAME to run the run's code package`);
  }
  const flows = (await analyzeCached(path, text, localCache(datastore, io.env))).flows;
  if (flows.length !== 1)
    throw new UsageError(
      `step: ${path} defines ${flows.length === 0 ? "no flow" : "more than one flow"}: name it with --flow NAME`,
    );
  return flows[0].graph;
}

/** The graph of `flow` in the flow file the task runs from. */
async function flowGraph(entry: string, flow: string, datastore: Datastore, io: CliIO): Promise<FlowGraph> {
  const analysis = await analyzeCached(entry, readFileSync(entry, "utf8"), localCache(datastore, io.env));
  const found = analysis.flows.find((f) => f.graph.name === flow);
  if (!found) throw new UsageError(`step: ${entry} defines no flow ${flow}`);
  return found.graph;
}
