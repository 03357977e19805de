import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import { NotFoundError } from "../../datastore";
import type { Datastore } from "../../datastore";
import type { RunRecord } from "../../datastore/records";
import { planFlow } from "../../exec/plan";
import { planResume } from "../../exec/resume";
import { userNamespace } from "../../metadata/identity";
import { UsageError } from "../args";
import { launchRun, splitRunArgs } from "../run-setup";

const HELP = `Usage: tsflow resume FILE [STEP] [options]

Starts a new run that reuses the origin run's successful work: every task before STEP
is cloned with its artifacts, and STEP and everything after it run again. Without STEP,
the run resumes from the step that failed. The origin is the latest run of the flow in
your namespace unless --origin-run-id names another. Parameters are the origin's.

Options:
  --origin-run-id ID     the run to resume (default: the latest run of this flow)
  --tag TAG              tag the new run (repeatable)
  --max-workers N        tasks to run at once (default: the number of cores)
  --with retry           retry every failed step (3 times) unless it has its own @retry
  --run-id-file PATH     write the new run's id to PATH as soon as the run exists
  --json                 print one JSON event per line instead of progress
  --datastore-root DIR   where runs are kept (default: .tsflow, or TSFLOW_DATASTORE_ROOT)
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
    return launchRun("resume", args, io, (flow, datastore, user) => {
      const origin = originRun(datastore, flow.graph.name, args.originRunId, userNamespace(user));
      const plan = planFlow(flow.graph);
      const { step, clone } = planResume(datastore, plan, origin, args.positionals[1]);
      return { parameters: origin.parameters, plan, resume: { originRunId: origin.id, step, clone } };
    });
  },
};

/** The run to resume: the one named, or the latest of this flow in the user's namespace. */
function originRun(datastore: Datastore, flow: string, id: string | undefined, namespace: string): RunRecord {
  if (id !== undefined) {
    const run = datastore.runs.read(flow, id);
    if (!run) throw new NotFoundError(`no run ${flow}/${id} in ${datastore.root}`, `${flow}/${id}`);
    return run;
  }
  for (const candidate of datastore.runs.ids(flow)) {
    const run = datastore.runs.read(flow, candidate);
    if (run?.systemTags.includes(namespace)) return run;
  }
  throw new UsageError(
    `resume: ${flow} has no run in namespace ${namespace} in ${datastore.root}: run it first (tsflow run FILE)`,
  );
}
