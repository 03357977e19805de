import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import { planFlow } from "../../exec/plan";
import { planResume } from "../../exec/resume";
import { findOrigin } from "../../exec/resume-origin";
import { graphShape } from "../../graph/fingerprint";
import { userNamespace } from "../../metadata/identity";
import { originFileParameters } from "../run-files";
import { UsageError } from "../args";
import { launchRun, splitRunArgs } from "../run-setup";

const HELP = `Usage: tsflow resume FILE [STEP] [options]

Starts a new run that reuses the origin run's successful work: every task before STEP
is cloned with its artifacts, and STEP and everything after it run again. Without STEP,
the run resumes from the step that failed. The origin is the latest run of the flow, from
this FILE, in your namespace unless --origin-run-id names another. Parameters are the
origin's. Resume refuses when the graph changed in a way that makes the cloned results wrong
(a cloned step's transition, kind or join inputs, a step removed); edits inside steps resume.

Options:
  --origin-run-id ID     the run to resume (default: the latest run of this flow file)
  --tag TAG              tag the new run (repeatable)
  --max-workers N        tasks to run at once (default: the number of cores; 100 on a cluster)
  --with retry           retry every failed step (3 times) unless it has its own @retry
  --with kubernetes      run every step without its own @kubernetes/@slurm as a
                         Kubernetes Job (needs an S3 datastore)
  --with slurm           run every step without its own @kubernetes/@slurm as a Slurm
                         job (needs an S3 datastore)
  --run-id-file PATH     write the new run's id to PATH as soon as the run exists
  --json                 print one JSON event per line instead of progress
  --datastore-root ROOT  where runs are kept: a folder or s3://BUCKET/PREFIX
                         (default: .tsflow, or TSFLOW_DATASTORE_ROOT)
  --flow NAME            the flow class, when FILE defines several
  -h, --help             show this help

Exit codes: 0 the new run succeeded, 1 it failed, 2 a usage error.
`;

const OWN = ["origin-run-id", "max-workers", "with", "tag", "run-id-file", "datastore-root", "flow", "json", "help"];

export const resumeCommand: Command = {
  name: "resume",
  summary: "run a flow again from its failed (or a named) step, reusing earlier results",
  help: HELP,
  handlesHelp: true,
  async run(argv, io) {
    const args = splitRunArgs("resume", argv, OWN);
    if (args.help) {
      io.stdout(HELP);
      return EXIT.ok;
    }
    if (args.rest.length > 0)
      throw new UsageError(`resume: unknown option '${args.rest[0]}': a resumed run keeps its origin's parameters`);
    if (args.positionals.length > 2) throw new UsageError(`resume: unexpected argument '${args.positionals[2]}'`);
    return launchRun("resume", args, io, async (flow, datastore, user) => {
      const origin = await findOrigin(datastore, {
        flow: flow.graph.name,
        flowFile: flow.path,
        namespace: userNamespace(user),
        cwd: io.cwd,
        onDamaged: (run, error) => io.stderr(`tsflow: warning: skipped run ${run}: ${error.message}\n`),
        ...(args.originRunId !== undefined ? { runId: args.originRunId } : {}),
      });
      const plan = planFlow(flow.graph);
      const { step, clone, uncloneable } = await planResume(
        datastore,
        plan,
        origin,
        args.positionals[1],
        graphShape(flow.graph),
      );
      for (const { task, step: again, problem } of uncloneable) {
        io.stderr(`tsflow: warning: ${task} cannot be cloned (${problem}): step ${again} runs again\n`);
      }
      const files = await originFileParameters("resume", flow.graph.parameters, origin, datastore, io.cwd);
      return {
        parameters: origin.parameters,
        ...(files ? { fileParameters: files } : {}),
        plan,
        resume: { originRunId: origin.id, step, clone },
      };
    });
  },
};
