import { getDatastoreLocation, Run } from "../../client";
import { NotFoundError, openDatastore } from "../../datastore";
import { checkUserTag, isSystemTag } from "../../metadata/identity";
import { parseCommandArgs, UsageError } from "../args";
import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import { printable } from "../format/units";
import type { CliIO } from "../io";
import { DATASTORE_HELP, DATASTORE_OPTION, pathspecArgument, useClient } from "../read-setup";

const HELP = `Usage: tsflow tag add|remove|replace|list FLOW/RUN [TAG ...]

Changes or lists a run's tags. User tags are yours to add and remove; the system
tags TSFlow sets on every run (user:NAME, runtime:node-VERSION) cannot be changed:
among other tags they are skipped with a note. Each change is atomic, also against a
running run and a step's current.addTags.

  tsflow tag add FLOW/RUN TAG ...      add tags to the run
  tsflow tag remove FLOW/RUN TAG ...   remove user tags from the run
  tsflow tag replace FLOW/RUN OLD NEW  remove OLD and add NEW in one change
  tsflow tag list FLOW/RUN             print the run's tags, one per line:
                                       "system TAG" or "user TAG"

Options:
${DATASTORE_HELP}
  -h, --help            show this help

Exit codes: 0 done, 1 the datastore is damaged, 2 a usage error (bad tag, unknown run,
only system tags named).
`;

const ACTIONS = ["add", "remove", "replace", "list"] as const;
type Action = (typeof ACTIONS)[number];

/** `tsflow tag`: adds, removes, replaces and lists a run's user tags (system tags stay). */
export const tagCommand: Command = {
  name: "tag",
  summary: "add, remove, replace or list a run's tags",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("tag", argv, DATASTORE_OPTION, Infinity);
    const [action, pathspec, ...tags] = positionals;
    if (!ACTIONS.includes(action as Action)) {
      throw new UsageError(
        action === undefined
          ? "tag: missing action: add, remove, replace or list"
          : `tag: unknown action '${action}': use add, remove, replace or list`,
      );
    }
    pathspecArgument(`tag ${action}`, pathspec, "a run pathspec", [2]);
    useClient(io, values["datastore-root"], null);
    const run = await Run(pathspec);
    if (action === "list") {
      if (tags.length) throw new UsageError(`tag list: unexpected argument '${tags[0]}'`);
      const lines = [...run.systemTags.map((t) => `system  ${t}`), ...run.userTags.map((t) => `user    ${t}`)];
      io.stdout(lines.map(printable).join("\n") + "\n");
      return EXIT.ok;
    }
    if (action === "replace") await replace(run, tags, io);
    else if (tags.length === 0) throw new UsageError(`tag ${action}: name at least one TAG`);
    else if (action === "add") await add(run, tags, io);
    else await remove(run, tags, io);
    return EXIT.ok;
  },
};

async function add(run: Run, named: string[], io: CliIO): Promise<void> {
  const tags = userTagsAmong("add", run, named, io);
  const { before, after } = await update(run, (current) => [...new Set([...current, ...tags])]);
  for (const tag of new Set(tags.filter((t) => before.includes(t)))) {
    io.stderr(`tsflow: ${run.pathspec} was already tagged '${printable(tag)}'.\n`);
  }
  io.stdout(`${run.pathspec}: user tags ${describe(after)}.\n`);
}

async function remove(run: Run, named: string[], io: CliIO): Promise<void> {
  const tags = userTagsAmong("remove", run, named, io);
  const { before, after } = await update(run, (current) => current.filter((t) => !tags.includes(t)));
  notTagged(run, tags, before, io);
  io.stdout(`${run.pathspec}: user tags ${describe(after)}.\n`);
}

/** Metaflow's replace_tag: OLD goes and NEW comes in one write, so no reader sees one without the other. */
async function replace(run: Run, tags: string[], io: CliIO): Promise<void> {
  if (tags.length !== 2) {
    throw new UsageError(`tag replace: name the tag to remove and the tag to add: tsflow tag replace FLOW/RUN OLD NEW`);
  }
  const [old, added] = tags;
  if (isSystemTag(old) || run.systemTags.includes(old)) {
    throw new UsageError(`tag replace: '${printable(old)}' is a system tag of ${run.pathspec}: it cannot be removed`);
  }
  checkUserTag(added);
  const { before, after } = await update(run, (current) => [...new Set([...current.filter((t) => t !== old), added])]);
  notTagged(run, [old], before, io);
  io.stdout(`${run.pathspec}: user tags ${describe(after)}.\n`);
}

/**
 * The user tags among `named`: system tags are skipped with a note, as one stray system tag should
 * not undo the rest of a command. Named alone, they are refused: the command would do nothing.
 */
function userTagsAmong(action: "add" | "remove", run: Run, named: string[], io: CliIO): string[] {
  const system = (t: string) => isSystemTag(t) || run.systemTags.includes(t);
  const user = named.filter((t) => !system(t));
  const skipped = [...new Set(named.filter(system))];
  if (user.length === 0) {
    if (action === "add") checkUserTag(skipped[0]);
    throw new UsageError(
      `tag remove: '${printable(skipped[0])}' is a system tag of ${run.pathspec}: it cannot be removed`,
    );
  }
  // A bad tag among the others refuses the command before any note says what it would skip.
  if (action === "add") user.forEach(checkUserTag);
  for (const tag of skipped) {
    io.stderr(
      `tsflow: skipped '${printable(tag)}': system tags cannot be ${action === "add" ? "added" : "removed"}.\n`,
    );
  }
  return user;
}

function notTagged(run: Run, tags: string[], before: string[], io: CliIO): void {
  for (const tag of new Set(tags.filter((t) => !before.includes(t)))) {
    io.stderr(`tsflow: ${run.pathspec} was not tagged '${printable(tag)}'.\n`);
  }
}

/**
 * Rewrites the run's user tags by compare-and-swap: a running scheduler saving progress, a step
 * adding tags and another `tsflow tag` (on this machine or another) never lose another's change.
 */
async function update(run: Run, change: (tags: string[]) => string[]): Promise<{ before: string[]; after: string[] }> {
  let before: string[] = [];
  const record = await openDatastore(getDatastoreLocation()).runs.modify(run.flow, run.id, (record) => {
    before = record.tags;
    record.tags = change(before);
  });
  if (!record) throw new NotFoundError(`${run.pathspec} was removed while it was being tagged`, run.pathspec);
  return { before, after: record.tags };
}

function describe(tags: string[]): string {
  return tags.length ? `now ${tags.map((t) => `'${printable(t)}'`).join(", ")}` : "now none";
}
