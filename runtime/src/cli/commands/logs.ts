import { Step, taskLogs } from "../../client";
import { parseCommandArgs, UsageError } from "../args";
import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import { DATASTORE_HELP, DATASTORE_OPTION, pathspecArgument, useClient } from "../read-setup";

const HELP = `Usage: tsflow logs PATHSPEC [--stderr] [--attempt N]

Prints what a task wrote to stdout (or, with --stderr, to stderr), also while it
still runs. PATHSPEC is FLOW/RUN/STEP/TASK, or FLOW/RUN/STEP for a step that ran
one task. Each attempt of a retried task has its own logs: the latest attempt's
are printed (the one running now, for a running task) unless --attempt says
which. A failed attempt's stderr ends with its error and stack, at the flow's
TypeScript lines. A log longer than TSFlow keeps ends with a note of how much
was cut.

Options:
  --stderr              print the task's stderr instead of its stdout
  --attempt N           print attempt N's log (0 is the first attempt)
${DATASTORE_HELP}
  -h, --help            show this help

Exit codes: 0 printed (a task that printed nothing is said so on stderr),
1 the datastore is damaged, 2 a usage error (bad or unknown PATHSPEC).
`;

/** `tsflow logs`: a task's captured stdout or stderr. */
export const logsCommand: Command = {
  name: "logs",
  summary: "print a task's stdout or stderr",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      "logs",
      argv,
      { stderr: { type: "boolean" }, attempt: { type: "string" }, ...DATASTORE_OPTION },
      1,
    );
    const parts = pathspecArgument("logs", positionals[0], "a task pathspec", [4, 3]);
    const attempt = attemptOption(values.attempt);
    useClient(io, values["datastore-root"], null);
    const pathspec = parts.join("/");
    const task = parts.length === 4 ? pathspec : await onlyTask(await Step(pathspec));
    const stream = values.stderr ? "stderr" : "stdout";
    const logs = await taskLogs(task, stream, attempt === undefined ? {} : { attempt });
    const { text, finished } = logs;
    if (text === "") {
      const which = logs.attempts.length > 1 ? ` (attempt ${logs.attempt})` : "";
      io.stderr(`${task}${which} ${finished ? "printed nothing" : "has printed nothing yet"} to ${stream}.\n`);
      return EXIT.ok;
    }
    io.stdout(text.endsWith("\n") ? text : text + "\n");
    return EXIT.ok;
  },
};

/** `--attempt N`: a whole number, or a usage error. */
function attemptOption(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw))
    throw new UsageError(`logs: --attempt takes an attempt number (0 is the first), not '${raw}'`);
  return Number(raw);
}

/** The pathspec of a step's task when it has exactly one; otherwise a usage error that lists them. */
async function onlyTask(step: Step): Promise<string> {
  const ids = await step.taskIds({ unfinished: true });
  if (ids.length === 1) return `${step.pathspec}/${ids[0]}`;
  if (ids.length === 0) throw new UsageError(`logs: ${step.pathspec} has no task that finished or printed anything`);
  const shown = ids.slice(0, 5).join(", ") + (ids.length > 5 ? ", ..." : "");
  throw new UsageError(
    `logs: ${step.pathspec} ran ${ids.length} tasks (${shown}): name one, as in ${step.pathspec}/${ids[0]}`,
  );
}
