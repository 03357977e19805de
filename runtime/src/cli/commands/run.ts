import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import { UsageError } from "../args";
import { storeFileParameters } from "../run-files";
import { parametersHelp, parseParameters } from "../run-parameters";
import { launchRun, loadRunnableFlow, openRunDatastore, splitRunArgs } from "../run-setup";

const HELP = `Usage: tsflow run FILE [--PARAM VALUE ...] [options]

Runs the flow in FILE: each step's tasks run in worker processes, in parallel up to
--max-workers, and every artifact, log and status is kept in the datastore.

Options:
  --PARAM VALUE          set a parameter of the flow (see \`tsflow run FILE --help\`)
  --tag TAG              tag the run (repeatable)
  --max-workers N        tasks to run at once (default: the number of cores; 100 on a cluster)
  --with retry           retry every failed step (3 times) unless it has its own @retry
  --with kubernetes      run every step without its own @kubernetes/@slurm as a
                         Kubernetes Job (needs an S3 datastore)
  --with slurm           run every step without its own @kubernetes/@slurm as a Slurm
                         job (needs an S3 datastore)
  --run-id-file PATH     write the run's id to PATH as soon as the run exists
  --json                 print one JSON event per line instead of progress
  --datastore-root ROOT  where runs are kept: a folder or s3://BUCKET/PREFIX
                         (default: .tsflow, or TSFLOW_DATASTORE_ROOT)
  --flow NAME            the flow class to run, when FILE defines several
  -h, --help             show this help, with FILE's parameters when FILE is given

Exit codes: 0 the run succeeded, 1 it failed (or the flow has errors), 2 a usage error.
`;

const OWN = ["max-workers", "with", "tag", "run-id-file", "datastore-root", "flow", "json", "help"];

export const runCommand: Command = {
  name: "run",
  summary: "run a flow; its results are kept in the datastore",
  help: HELP,
  handlesHelp: true,
  async run(argv, io) {
    const args = splitRunArgs("run", argv, OWN);
    if (args.positionals.length > 1) throw new UsageError(`run: unexpected argument '${args.positionals[1]}'`);
    if (args.help) {
      io.stdout(HELP);
      if (args.positionals[0]) {
        const flow = await loadRunnableFlow("run", args.positionals[0], args.flow, openRunDatastore(args, io), io);
        io.stdout(`\n${parametersHelp(flow.graph.name, flow.graph.parameters)}`);
      }
      return EXIT.ok;
    }
    return launchRun("run", args, io, async (flow, datastore) => {
      const parameters = parseParameters("run", args.rest, flow.graph.parameters);
      const fileParameters = await storeFileParameters("run", flow.graph.parameters, parameters, datastore, io.cwd);
      return { parameters, ...(fileParameters ? { fileParameters } : {}) };
    });
  },
};
