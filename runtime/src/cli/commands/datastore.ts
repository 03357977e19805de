import { resolveRoot } from "../../config";
import { openDatastore, requireDatastore, type Datastore } from "../../datastore";
import { copyRuns, type CopyProgress, type CopySummary } from "../../datastore/copy";
import { isSafeSegment } from "../../datastore/layout";
import { countOf, formatBytes } from "../../format/units";
import { parseCommandArgs, UsageError } from "../args";
import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import type { CliIO } from "../io";

const HELP = `Usage: tsflow datastore copy SRC DST [PATHSPEC ...] [--json]

Copies runs from the datastore SRC to the datastore DST, for example to publish a
local run to a team's bucket: SRC and DST are folders or s3://bucket/prefix URLs.
PATHSPEC picks what to copy: FLOW (every run of the flow) or FLOW/RUN (one run);
without one, every run is copied.

A run is copied whole: its run and task records, its logs, every value it stored
(each checked against its SHA-256 as it is read) and its code package. Its run
record is written last, so DST never shows half a run: a copy that stopped midway
is simply run again. A run DST already has with the same record is skipped; a run
DST has under the same id with another record is an error and is left as it is. A
run still going is skipped. A damaged value stops that run's copy, with the
value's name; the other runs are copied.

Options:
  --json                print one JSON event per line: { "event": "copy-started",
                        "from", "to", "runs" }, then per run { "event": "run-copied",
                        "pathspec", "tasks", "blobs", "bytes" }, { "event":
                        "run-skipped", "pathspec", "reason" }, { "event":
                        "run-failed", "pathspec", "message" }, then { "event":
                        "copy-finished", "from", "to", "copied", "skipped",
                        "failed", "bytes" }
  -h, --help            show this help

Exit codes: 0 every run named was copied or skipped, 1 a run was not copied (a
damaged value or record, a different run under its id at DST), 2 a usage error
(no datastore at SRC, a bad or unknown PATHSPEC).
`;

/** `tsflow datastore copy`: copies runs between datastores, folder and bucket alike. */
export const datastoreCommand: Command = {
  name: "datastore",
  summary: "copy runs between datastores (a folder, an s3:// bucket)",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("datastore", argv, { json: { type: "boolean" } }, Infinity);
    const [action, source, destination, ...pathspecs] = positionals;
    if (action !== "copy") {
      throw new UsageError(
        action === undefined
          ? "datastore: missing action: copy"
          : `datastore: unknown action '${action}': use \`tsflow datastore copy SRC DST\``,
      );
    }
    if (source === undefined || destination === undefined)
      throw new UsageError("datastore copy: name the datastore to copy from and the one to copy to: SRC DST");
    pathspecs.forEach(checkPathspec);
    const from = openRoot(source, io);
    const to = openRoot(destination, io);
    try {
      if (from.root === to.root)
        throw new UsageError(`datastore copy: SRC and DST are the same datastore (${from.root})`);
      if (from.location.kind === "local") await requireDatastore(from.root);
      const report = values.json ? jsonReport(io, from.root, to.root) : textReport(io);
      const summary = await copyRuns(from.storage, to.storage, pathspecs, report);
      report.finished(summary, from.root, to.root);
      return summary.failed > 0 ? EXIT.failed : EXIT.ok;
    } finally {
      await Promise.all([from.storage.close(), to.storage.close()]);
    }
  },
};

/** FLOW or FLOW/RUN, each part a name a datastore can hold. */
function checkPathspec(pathspec: string): void {
  const parts = pathspec.split("/");
  if (parts.length > 2 || !parts.every(isSafeSegment) || (parts.length === 2 && !/^\d+$/.test(parts[1]))) {
    throw new UsageError(`datastore copy: '${pathspec}' is not a flow or a run: expected FLOW or FLOW/RUN`);
  }
}

/** A root as the user typed it (a path or `s3://bucket/prefix`), resolved as every command resolves one, and opened. */
function openRoot(given: string, io: CliIO): Datastore {
  return openDatastore(resolveRoot(given, { cwd: io.cwd, env: io.env }));
}

type Report = CopyProgress & { finished(summary: CopySummary, from: string, to: string): void };

function jsonReport(io: CliIO, from: string, to: string): Report {
  const emit = (event: string, fields: object) => io.stdout(JSON.stringify({ event, ...fields }) + "\n");
  return {
    selected: (runs) => emit("copy-started", { from, to, runs }),
    copied: (run) => emit("run-copied", run),
    skipped: (pathspec, reason) => emit("run-skipped", { pathspec, reason }),
    failed: (pathspec, message) => emit("run-failed", { pathspec, message }),
    finished: (summary, from, to) => emit("copy-finished", { from, to, ...summary }),
  };
}

/**
 * A line per run as it is done; on a terminal, the runs done and the bytes written so far on a
 * line of their own that the next run's line replaces, so a long copy shows it is moving.
 */
function textReport(io: CliIO): Report {
  let live = false;
  let shown = 0;
  let runs = 0;
  let done = 0;
  const clear = () => {
    if (live) io.stdout("\r\x1b[K");
    live = false;
    done++;
  };
  return {
    selected: (count) => {
      runs = count;
    },
    copied: ({ pathspec, tasks, blobs, bytes }) => {
      clear();
      io.stdout(`copied   ${pathspec} (${countOf(tasks, "task")}, ${countOf(blobs, "blob")}, ${formatBytes(bytes)})\n`);
    },
    skipped: (pathspec, reason) => {
      clear();
      io.stdout(`skipped  ${pathspec}: ${reason}\n`);
    },
    failed: (pathspec, message) => {
      clear();
      io.stderr(`tsflow: ${pathspec} not copied: ${message}\n`);
    },
    bytes: (total) => {
      // A terminal only, and at most every mebibyte: a pipe gets the run lines alone.
      if (!io.color || total - shown < 1024 * 1024) return;
      shown = total;
      live = true;
      io.stdout(`\r\x1b[K  ${done} of ${countOf(runs, "run")} done, ${formatBytes(total)} written`);
    },
    finished: (summary, from, to) => {
      if (live) io.stdout("\r\x1b[K");
      const others = [
        summary.skipped ? `${summary.skipped} skipped` : "",
        summary.failed ? `${summary.failed} failed` : "",
      ].filter(Boolean);
      io.stdout(
        `Copied ${countOf(summary.copied, "run")} (${formatBytes(summary.bytes)}) from ${from} to ${to}${others.length ? `; ${others.join(", ")}` : ""}.\n`,
      );
    },
  };
}
