import { resolveDatastore } from "../../config";
import { openDatastore, requireDatastore } from "../../datastore";
import { examineDatastore, type DoctorProgress, type DoctorReport, type Finding } from "../../datastore/doctor";
import { QUARANTINE, quarantine, type Moved } from "../../datastore/quarantine";
import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import { painter, type Paint } from "../format/color";
import { countOf, formatBytes, printable } from "../format/units";
import type { CliIO } from "../io";
import { DATASTORE_HELP, DATASTORE_OPTION } from "../read-setup";

const HELP = `Usage: tsflow doctor [--repair] [--json] [--datastore-root ROOT]

Checks a datastore: reads every run and task record and checks every stored value
against its SHA-256 (each blob is read once). Reports damaged or missing blobs,
damaged values inside task records, and run and task records that cannot be read,
each with the runs, steps, tasks and artifacts it touches. Temp files that killed
writers left behind are noted; they harm nothing.

Options:
  --repair              move damaged blobs and unreadable records aside, into
                        ${QUARANTINE}/TIME/ under the datastore (same paths inside),
                        and say what moved. Nothing is deleted. A missing blob stays
                        reported: the next run that produces its value writes it
                        again, and tsflow resume runs again what it cannot clone
  --json                print { "root", "checked": { "runs", "tasks", "blobs", "bytes" },
                        "findings": [ { "kind", "key", "path", "problem", "runs",
                        "steps", "tasks", "artifacts", "movable" } ], "leftovers",
                        "moved": [ { "key", "from", "to" } ] }; kind is damaged-blob,
                        missing-blob, damaged-value, unreadable-task or unreadable-run
${DATASTORE_HELP}
  -h, --help            show this help

Progress goes to stderr while a large datastore is read.

Exit codes: 0 nothing is wrong, 1 something is damaged or missing (also after
--repair: what was set aside cannot be read), 2 a usage error.
`;

/** How long a check runs before it reports progress, and how often it does then. */
const PROGRESS_AFTER_MS = 1000;

/** What `tsflow doctor --json` prints: the examination, and the files `--repair` moved. */
export type DoctorJson = DoctorReport & { moved: Moved[] };

/** `tsflow doctor`: examines a datastore and, with --repair, sets damaged files aside. */
export const doctorCommand: Command = {
  name: "doctor",
  summary: "check a datastore's records and values; --repair sets damaged files aside",
  help: HELP,
  async run(argv, io) {
    const { values } = parseCommandArgs(
      "doctor",
      argv,
      { repair: { type: "boolean" }, json: { type: "boolean" }, ...DATASTORE_OPTION },
      0,
    );
    const location = resolveDatastore({ cwd: io.cwd, env: io.env, option: values["datastore-root"] });
    const datastore = openDatastore(location);
    if (location.kind === "local") await requireDatastore(location.path);
    const report = await examineDatastore(datastore, progressLine(io));
    const moved = values.repair ? await quarantine(datastore.storage, report.findings) : [];
    if (values.json) io.stdout(JSON.stringify({ ...report, moved } satisfies DoctorJson, null, 2) + "\n");
    else io.stdout(reportText(report, moved, values.repair === true, painter(io.color)));
    return report.findings.length > 0 ? EXIT.failed : EXIT.ok;
  },
};

/** Progress on stderr, once a second, once the check has taken a second. */
function progressLine(io: CliIO): DoctorProgress {
  const started = Date.now();
  let last = started;
  return (phase, done, total) => {
    const now = Date.now();
    if (now - started < PROGRESS_AFTER_MS || now - last < PROGRESS_AFTER_MS) return;
    last = now;
    io.stderr(
      `tsflow doctor: ${phase === "records" ? "read the records of" : "checked"} ${done} of ${total} ${phase === "records" ? "runs" : "blobs"}\n`,
    );
  };
}

const KIND_TEXT: Record<Finding["kind"], string> = {
  "damaged-blob": "damaged blob",
  "missing-blob": "missing blob",
  "damaged-value": "damaged value",
  "unreadable-task": "unreadable task record",
  "unreadable-run": "unreadable run record",
};

function reportText(report: DoctorReport, moved: Moved[], repair: boolean, paint: Paint): string {
  const { runs, tasks, blobs, bytes } = report.checked;
  let text = `Checked ${countOf(runs, "run")}, ${countOf(tasks, "task")} and ${countOf(blobs, "blob")} (${formatBytes(bytes)}) in ${report.root}.\n`;
  for (const finding of report.findings) text += "\n" + findingText(finding, paint);
  if (report.leftovers.length > 0) {
    const size = formatBytes(report.leftovers.reduce((sum, l) => sum + l.bytes, 0));
    text += `\nNote: ${countOf(report.leftovers.length, "temp file")} (${size}) that killed writers left, harmless:\n`;
    text += report.leftovers.map((l) => `  ${printable(l.path)}\n`).join("");
  }
  if (moved.length > 0) {
    text += `\nMoved aside (nothing was deleted; move a file back to undo):\n`;
    text += moved.map((m) => `  ${printable(m.from)}\n    → ${printable(m.to)}\n`).join("");
  }
  return text + "\n" + verdict(report.findings, moved, repair, paint) + "\n";
}

function findingText(finding: Finding, paint: Paint): string {
  const lines = [
    `${paint("red", KIND_TEXT[finding.kind])}  ${printable(finding.path)}`,
    `  ${printable(finding.problem)}`,
  ];
  const touched: Array<[string, string[]]> = [
    ["runs", finding.runs],
    ["steps", finding.steps],
    [
      finding.artifacts.length > 0 ? "artifacts" : "tasks",
      finding.artifacts.length > 0 ? finding.artifacts : finding.tasks,
    ],
  ];
  for (const [label, names] of touched) if (names.length > 0) lines.push(`  ${label.padEnd(10)}${listed(names)}`);
  if (finding.runs.length === 0) lines.push("  touches no run (no task record refers to it)");
  return lines.join("\n") + "\n";
}

/** Names on one line, the first few of many. */
function listed(names: string[]): string {
  const shown = names.slice(0, 5).map(printable).join(", ");
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}

function verdict(findings: Finding[], moved: Moved[], repair: boolean, paint: Paint): string {
  if (findings.length === 0) return paint("green", "No problems found.");
  const count = `${countOf(findings.length, "problem")} found`;
  if (!repair) {
    const movable = findings.some((f) => f.movable);
    return `${paint("red", count)}${movable ? ": tsflow doctor --repair moves the damaged files aside (nothing is deleted)" : ""}.`;
  }
  return (
    `${paint("red", count)}; ${countOf(moved.length, "file")} moved aside. ` +
    "The next run that produces a missing value writes it again; tsflow resume runs again what it cannot clone."
  );
}
