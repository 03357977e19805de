import { getDatastoreRoot, Run } from "../../client";
import { NotFoundError, openDatastore } from "../../datastore";
import { checkUserTag } from "../../metadata/identity";
import { parseCommandArgs, UsageError } from "../args";
import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import { printable } from "../format/units";
import type { CliIO } from "../io";
import { DATASTORE_HELP, DATASTORE_OPTION, pathspecArgument, useClient } from "../read-setup";

const HELP = `Usage: tsflow tag add|remove|list FLOW/RUN [TAG ...]

Changes or lists a run's tags. User tags are yours to add and remove; the system
tags TSFlow sets on every run (user:NAME, runtime:node-VERSION) cannot be removed.

  tsflow tag add FLOW/RUN TAG ...      add tags to the run
  tsflow tag remove FLOW/RUN TAG ...   remove user tags from the run
  tsflow tag list FLOW/RUN             print the run's tags, one per line:
                                       "system TAG" or "user TAG"

Options:
${DATASTORE_HELP}
  -h, --help            show this help

Exit codes: 0 done, 1 the datastore is damaged, 2 a usage error (bad tag, unknown run,
removing a system tag).
`;

const ACTIONS = ["add", "remove", "list"] as const;
type Action = (typeof ACTIONS)[number];

/** `tsflow tag`: adds, removes and lists a run's user tags (system tags stay). */
export const tagCommand: Command = {
  name: "tag",
  summary: "add, remove or list a run's tags",
  help: HELP,
  run(argv, io) {
    const { values, positionals } = parseCommandArgs("tag", argv, DATASTORE_OPTION, Infinity);
    const [action, pathspec, ...tags] = positionals;
    if (!ACTIONS.includes(action as Action)) {
      throw new UsageError(
        action === undefined
          ? "tag: missing action: add, remove or list"
          : `tag: unknown action '${action}': use add, remove or list`,
      );
    }
    pathspecArgument(`tag ${action}`, pathspec, "a run pathspec", [2]);
    useClient(io, values["datastore-root"], null);
    const run = Run(pathspec);
    if (action === "list") {
      if (tags.length) throw new UsageError(`tag list: unexpected argument '${tags[0]}'`);
      const lines = [...run.systemTags.map((t) => `system  ${t}`), ...run.userTags.map((t) => `user    ${t}`)];
      io.stdout(lines.map(printable).join("\n") + "\n");
      return EXIT.ok;
    }
    if (tags.length === 0) throw new UsageError(`tag ${action}: name at least one TAG`);
    if (action === "add") add(run, tags.map(checkUserTag), io);
    else remove(run, tags, io);
    return EXIT.ok;
  },
};

function add(run: Run, tags: string[], io: CliIO): void {
  const { before, after } = update(run, (current) => [...new Set([...current, ...tags])]);
  for (const tag of new Set(tags.filter((t) => before.includes(t)))) {
    io.stderr(`tsflow: ${run.pathspec} was already tagged '${printable(tag)}'.\n`);
  }
  io.stdout(`${run.pathspec}: user tags ${describe(after)}.\n`);
}

function remove(run: Run, tags: string[], io: CliIO): void {
  const system = tags.find((t) => run.systemTags.includes(t));
  if (system !== undefined) {
    throw new UsageError(`tag remove: '${printable(system)}' is a system tag of ${run.pathspec}: it cannot be removed`);
  }
  const { before, after } = update(run, (current) => current.filter((t) => !tags.includes(t)));
  for (const tag of new Set(tags.filter((t) => !before.includes(t)))) {
    io.stderr(`tsflow: ${run.pathspec} was not tagged '${printable(tag)}'.\n`);
  }
  io.stdout(`${run.pathspec}: user tags ${describe(after)}.\n`);
}

/**
 * Rewrites the run's user tags. The record is read again just before the write, so progress a
 * running scheduler wrote since \`run\` was read is kept (and the scheduler keeps tags on disk).
 */
function update(run: Run, change: (tags: string[]) => string[]): { before: string[]; after: string[] } {
  const runs = openDatastore(getDatastoreRoot()).runs;
  const record = runs.read(run.flow, run.id);
  if (!record) throw new NotFoundError(`${run.pathspec} was removed while it was being tagged`, run.pathspec);
  const before = record.tags;
  record.tags = change(before);
  runs.update(record);
  return { before, after: record.tags };
}

function describe(tags: string[]): string {
  return tags.length ? `now ${tags.map((t) => `'${printable(t)}'`).join(", ")}` : "now none";
}
