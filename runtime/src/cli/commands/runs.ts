import { Flow, flows, type Run } from "../../client";
import { currentUser } from "../../config";
import { userNamespace } from "../../metadata/identity";
import { parseCommandArgs, UsageError } from "../args";
import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import { painter } from "../format/color";
import { formatTable } from "../format/table";
import { formatDuration, formatTime, printable } from "../format/units";
import { displayPath } from "../../format/paths";
import { DATASTORE_HELP, DATASTORE_OPTION, statusCell, useClient } from "../read-setup";

const HELP = `Usage: tsflow runs [FLOW] [--namespace NS | --all-namespaces] [--tag TAG ...] [--limit N] [--json]

Lists runs newest first: pathspec, flow file (relative to here when inside), status,
user, start time, duration and user tags. Classes of one name in two files show apart
by their FILE.
Without FLOW, the runs of every flow in the datastore. Only runs in the namespace are
listed: by default yours (user:NAME, from TSFLOW_USER or USER).

Options:
  --namespace NS        list the runs in namespace NS (a tag, such as user:alice)
  --all-namespaces      list every user's runs
  --tag TAG             only runs with this tag (repeatable: runs with every one of them)
  --limit N             list at most N runs
  --json                print the runs as a JSON array
${DATASTORE_HELP}
  -h, --help            show this help

A run whose record cannot be read is skipped with a warning on stderr.
`;

const OPTIONS = {
  namespace: { type: "string" },
  "all-namespaces": { type: "boolean" },
  tag: { type: "string", multiple: true },
  limit: { type: "string" },
  json: { type: "boolean" },
  ...DATASTORE_OPTION,
} as const;

/** `tsflow runs`: the runs of one flow or all, newest first, in a namespace. */
export const runsCommand: Command = {
  name: "runs",
  summary: "list runs, newest first, in your namespace or everyone's",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("runs", argv, OPTIONS, 1);
    if (values.namespace !== undefined && values["all-namespaces"]) {
      throw new UsageError("runs: --namespace and --all-namespaces exclude each other");
    }
    const limit = parseLimit(values.limit);
    const ns = values["all-namespaces"] ? null : (values.namespace ?? userNamespace(currentUser(io.env)));
    useClient(io, values["datastore-root"], ns);
    const sources = positionals[0] !== undefined ? [Flow(positionals[0])] : await flows();
    const onError = (error: Error) => io.stderr(`tsflow: warning: skipped a run: ${error.message}\n`);
    const iterators = sources.map((flow) => flow.runs({ tag: values.tag, onError }));
    const runs = await take(newestFirst(iterators), limit === undefined ? Infinity : limit + 1);
    const more = limit !== undefined && runs.length > limit;
    if (more) runs.pop();
    if (values.json) io.stdout(JSON.stringify(runs.map(runJson), null, 2) + "\n");
    else
      io.stdout(
        runsText(runs, { flow: positionals[0], ns, tags: values.tag ?? [], more, color: io.color, cwd: io.cwd }),
      );
    return EXIT.ok;
  },
};

function parseLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1)
    throw new UsageError(`runs: --limit takes a whole number of at least 1, not '${raw}'`);
  return n;
}

/** Merges each flow's runs (each newest first) into one list, newest first: ids are start times. */
async function* newestFirst(iterators: AsyncIterator<Run>[]): AsyncGenerator<Run> {
  const heads = await Promise.all(iterators.map((it) => it.next()));
  for (;;) {
    let best = -1;
    heads.forEach((head, i) => {
      if (!head.done && (best < 0 || newer(head.value, heads[best].value as Run))) best = i;
    });
    if (best < 0) return;
    yield heads[best].value as Run;
    heads[best] = await iterators[best].next();
  }
}

function newer(a: Run, b: Run): boolean {
  return a.id.length !== b.id.length ? a.id.length > b.id.length : a.id > b.id;
}

async function take<T>(source: AsyncIterable<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  if (count <= 0) return out;
  for await (const item of source) {
    out.push(item);
    if (out.length >= count) break;
  }
  return out;
}

function runJson(run: Run) {
  const finishedAt = run.finishedAt;
  return {
    pathspec: run.pathspec,
    flow: run.flow,
    flowFile: run.flowFile,
    id: run.id,
    status: run.status,
    user: run.user,
    startedAt: run.startedAt.toISOString(),
    finishedAt: finishedAt?.toISOString() ?? null,
    durationMs: finishedAt ? finishedAt.getTime() - run.startedAt.getTime() : null,
    tags: run.tags,
    userTags: run.userTags,
    systemTags: run.systemTags,
  };
}

interface Listing {
  flow?: string;
  ns: string | null;
  tags: string[];
  more: boolean;
  color: boolean;
  cwd: string;
}

function runsText(runs: Run[], listing: Listing): string {
  const where = listing.ns === null ? "in any namespace" : `in namespace '${listing.ns}'`;
  const tagged = listing.tags.length ? ` tagged ${listing.tags.map((t) => `'${t}'`).join(" and ")}` : "";
  const of = listing.flow ? ` of ${listing.flow}` : "";
  if (runs.length === 0) {
    const hint = listing.ns === null ? "" : ": --all-namespaces lists every user's runs";
    return `No runs${of}${tagged} ${where}${hint}.\n`;
  }
  const rows = runs.map((run) => [
    run.pathspec,
    printable(displayPath(run.flowFile, listing.cwd)),
    statusCell(run.status),
    run.user,
    formatTime(run.startedAt),
    duration(run),
    printable(run.userTags.join(", ")),
  ]);
  const table = formatTable(
    ["PATHSPEC", "FILE", "STATUS", "USER", "STARTED", "DURATION", "TAGS"],
    rows,
    painter(listing.color),
  );
  const count = `${runs.length} run${runs.length === 1 ? "" : "s"}${of}${tagged} ${where}`;
  return `${table}${count}${listing.more ? " (more with a larger --limit)" : ""}.\n`;
}

function duration(run: Run): string {
  const end = run.finishedAt;
  if (end) return formatDuration(end.getTime() - run.startedAt.getTime());
  return run.status === "running" ? `${formatDuration(Date.now() - run.startedAt.getTime())} so far` : "-";
}
