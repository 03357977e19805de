import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import { runFlow } from "../../exec/run-flow";
import { WorkerPool } from "../../exec/worker-pool";
import { currentUser } from "../../metadata/identity";
import { UsageError } from "../args";
import { parametersHelp, parseParameters } from "../run-parameters";
import { compile, loadRunnableFlow, openRunDatastore, runObserver, splitRunArgs } from "../run-setup";

const HELP = `Usage: tsflow run FILE [--PARAM VALUE ...] [options]

Runs the flow in FILE: each step's tasks run in worker processes, in parallel up to
--max-workers, and every artifact, log and status is kept in the datastore.

Options:
  --PARAM VALUE          set a parameter of the flow (see \`tsflow run FILE --help\`)
  --tag TAG              tag the run (repeatable)
  --max-workers N        tasks to run at once (default: the number of cores)
  --with retry           retry every failed step (3 times) unless it has its own @retry
  --run-id-file PATH     write the run's id to PATH as soon as the run exists
  --json                 print one JSON event per line instead of progress
  --datastore-root DIR   where runs are kept (default: .tsflow, or TSFLOW_DATASTORE_ROOT)
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
    const datastore = openRunDatastore(args, io);
    if (args.help) {
      io.stdout(HELP);
      if (args.positionals[0]) {
        const flow = await loadRunnableFlow("run", args.positionals[0], args.flow, datastore, io);
        io.stdout(`\n${parametersHelp(flow.graph.name, flow.graph.parameters)}`);
      }
      return EXIT.ok;
    }
    // Workers boot while the flow is analyzed and compiled.
    const pool = new WorkerPool(args.maxWorkers, { ...io.env, TSFLOW_DATASTORE_ROOT: datastore.root });
    pool.warm();
    try {
      const flow = await loadRunnableFlow("run", args.positionals[0], args.flow, datastore, io);
      const parameters = parseParameters("run", args.rest, flow.graph.parameters);
      const code = await compile(flow, datastore);
      const observer = runObserver(args, io, datastore, flow.displayPath);
      pool.onLog((key, stream, text) => observer.log(key, stream, text));
      const run = await runFlow({
        datastore,
        flowFile: flow.path,
        graph: flow.graph,
        code,
        parameters,
        tags: args.tags,
        user: currentUser(io.env),
        maxWorkers: args.maxWorkers,
        withRetry: args.withRetry,
        pool,
        observer,
        ...(args.runIdFile ? { runIdFile: args.runIdFile } : {}),
      });
      return run.status === "succeeded" ? EXIT.ok : EXIT.failed;
    } finally {
      pool.close();
    }
  },
};
