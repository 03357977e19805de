import { inspect } from "node:util";
import { ClientTask, Run, toJsonValue, type JsonValue, type Task } from "../../client";
import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import { Damage, Unreadable, type UnreadableTask } from "../damage";
import { painter, type Paint } from "../format/color";
import { formatTable } from "../format/table";
import { formatBytes, formatDuration, formatTime, printable } from "../format/units";
import { DATASTORE_HELP, DATASTORE_OPTION, pathspecArgument, statusCell, useClient } from "../read-setup";
import { errorJson, errorLines } from "../format/task-error";

/** Rendered JSON past this many characters is cut to a preview of PREVIEW_CHARS. */
const FULL_CHARS = 1_000_000;
const PREVIEW_CHARS = 4_000;
/** A text preview is one line of at most this many characters. */
const PREVIEW_WIDTH = 80;
/** dump runs no flow code: a value of a class or serializer it lacks is shown, not refused. */
const SHOWN = { unregistered: "stand-in" } as const;

const HELP = `Usage: tsflow dump PATHSPEC [--json]

Prints what a run kept: PATHSPEC is FLOW/RUN, FLOW/RUN/STEP or FLOW/RUN/STEP/TASK.
First the run's metadata (status, user, times, tags, parameters), then each task
with its artifacts: name, type, stored size and a one-line preview of the value.
A failed task shows its error, the attempt that failed and the top of its stack at
the flow's TypeScript lines; a task resume copied says which run it came from.

Options:
  --json                print { "pathspec", "tasks": [ { "pathspec", "step", "id",
                        "status", "artifacts": { NAME: VALUE } } ], "unreadable": [] }
                        with the full values; a task that failed (or whose error
                        @catchError caught) has "error": { "name", "message", "stack",
                        "attempt", "location" }, location being { "file", "line",
                        "column" } in the flow's files; a task resume copied has
                        "clonedFrom": its task's pathspec
${DATASTORE_HELP}
  -h, --help            show this help

A damaged task record or stored value hides nothing else: the rest is printed, the
damaged entry is marked UNREADABLE with the reason, a line on stderr sums them up and
the exit code is 1 (\`tsflow doctor\` checks the whole datastore). In --json, a task
whose record cannot be read is { "pathspec", "step", "id", "unreadable": REASON }, an
artifact whose value cannot be read is {"$type":"Unreadable","message":REASON}, and
"unreadable" lists every such entry as { "pathspec", "message" } (an artifact's
pathspec is FLOW/RUN/STEP/TASK/NAME).

In --json, a value is itself where JSON can hold it. Other values become objects
tagged "$type": {"$type":"undefined"}, {"$type":"number","value":"NaN"},
{"$type":"BigInt","value":"12"}, {"$type":"Date","value":ISO},
{"$type":"Map","size":N,"entries":[[K,V],...]}, {"$type":"Set","size":N,"values":[...]},
{"$type":"RegExp","source":S,"flags":F}, {"$type":"Error","name","message","stack"},
{"$type":"Float64Array","length":N,"values":[...]} (any typed array),
{"$type":"ArrayBuffer","byteLength":N,"base64":B} and {"$type":"Circular"}; a class
instance is {"$type":"Instance","class":NAME,"value":V}, a value stored by a serializer
dump lacks is {"$type":"Serialized","serializer":NAME,"byteLength":N,"text":T} ("base64"
when not text); an object with a "$type" key of its own is wrapped as
{"$type":"Object","value":{...}}.
A value whose JSON would pass ${FULL_CHARS.toLocaleString("en-US")} characters is printed as
{"$type":"Truncated","type":T,"bytes":N,"preview":P}: the first ${PREVIEW_CHARS.toLocaleString("en-US")} characters or so,
with {"$more":N} (or "$more": N) where items were left out.

Exit codes: 0 printed, 1 the datastore is damaged (what could be read is printed),
2 a usage error (bad or unknown PATHSPEC).
`;

/** `tsflow dump`: a run's metadata, then its tasks' artifacts, as text or JSON. */
export const dumpCommand: Command = {
  name: "dump",
  summary: "print a run's, step's or task's metadata and artifacts",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      "dump",
      argv,
      { json: { type: "boolean" }, ...DATASTORE_OPTION },
      1,
    );
    const parts = pathspecArgument("dump", positionals[0], "a pathspec", [2, 3, 4]);
    const pathspec = parts.join("/");
    // A pathspec names its run outright, so every namespace is searched.
    useClient(io, values["datastore-root"], null);
    const run = await Run(parts.slice(0, 2).join("/"));
    const damage = new Damage();
    const tasks = selectTasks(run, damage, parts[2], parts[3]);
    if (values.json) {
      const out = { pathspec, tasks: [] as JsonValue[], unreadable: damage.entries };
      for await (const task of tasks) out.tasks.push(await taskJson(task, damage));
      io.stdout(JSON.stringify(out, null, 2) + "\n");
      return damage.report(io);
    }
    const paint = painter(io.color);
    io.stdout(runText(run, paint));
    let count = 0;
    for await (const task of tasks) {
      io.stdout("\n" + (await taskText(task, paint, damage)));
      count++;
    }
    if (count === 0) io.stdout(`\n${pathspec} has no finished task yet.\n`);
    return damage.report(io);
  },
};

/** The tasks a pathspec covers: all of a run's, a step's, or one; those whose record is damaged as such. */
async function* selectTasks(
  run: Run,
  damage: Damage,
  stepName?: string,
  taskId?: string,
): AsyncGenerator<Task | UnreadableTask> {
  const steps = stepName === undefined ? run.steps() : [await run.step(stepName)];
  for await (const step of steps) {
    for (const id of taskId === undefined ? await step.taskIds() : [taskId]) yield await damage.task(step, id);
  }
}

async function taskJson(entry: Task | UnreadableTask, damage: Damage): Promise<JsonValue> {
  if (!(entry instanceof ClientTask)) {
    return { pathspec: entry.pathspec, step: entry.step, id: entry.id, unreadable: entry.error.message };
  }
  const task = entry;
  const artifacts: Record<string, JsonValue> = {};
  for (const info of task.artifactInfo()) {
    const value = await damage.artifact(task, info.name, SHOWN);
    if (value instanceof Unreadable) {
      artifacts[info.name] = { $type: "Unreadable", message: value.error.message };
      continue;
    }
    const full = toJsonValue(value, { maxChars: FULL_CHARS });
    artifacts[info.name] = full.truncated
      ? {
          $type: "Truncated",
          type: info.type,
          bytes: info.size,
          preview: toJsonValue(value, { maxChars: PREVIEW_CHARS }).value,
        }
      : full.value;
  }
  // As the text shows it: the error that failed the task, or the one @catchError stored.
  const error = !task.successful || task.caught ? task.error : undefined;
  return {
    pathspec: task.pathspec,
    step: task.step,
    id: task.id,
    status: task.status,
    ...(error ? { error: errorJson(error) } : {}),
    ...(task.clonedFrom ? { clonedFrom: task.clonedFrom } : {}),
    artifacts,
  };
}

function runText(run: Run, paint: Paint): string {
  const status = statusCell(run.status);
  const lines: Array<[string, string]> = [
    ["status", typeof status === "string" ? status : paint(status.style, status.text)],
    ["user", run.user],
    ["started", formatTime(run.startedAt)],
  ];
  const end = run.finishedAt;
  if (end) lines.push(["finished", `${formatTime(end)} (${formatDuration(end.getTime() - run.startedAt.getTime())})`]);
  lines.push(["tags", printable(run.tags.join(", "))]);
  const parameters = Object.entries(run.parameters);
  if (parameters.length) lines.push(["parameters", parameters.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ")]);
  lines.push(["flow file", run.flowFile]);
  if (run.origin) lines.push(["resumed", `from run ${run.origin.runId}, again from step ${run.origin.step}`]);
  if (run.error) lines.push(["error", `${run.error.step}/${run.error.task}: ${run.error.message}`]);
  return `Run ${paint("bold", run.pathspec)}\n${lines.map(([k, v]) => `  ${k.padEnd(12)}${v}`).join("\n")}\n`;
}

async function taskText(entry: Task | UnreadableTask, paint: Paint, damage: Damage): Promise<string> {
  if (!(entry instanceof ClientTask)) {
    return `Task ${paint("bold", entry.pathspec)}  ${paint("red", "UNREADABLE")}\n  ${printable(entry.error.message)}\n`;
  }
  const task = entry;
  const status = paint(task.successful ? "green" : "red", task.status);
  const notes = [formatDuration(task.finishedAt.getTime() - task.startedAt.getTime())];
  if (task.index !== undefined) notes.push(`foreach index ${task.index}`);
  if (task.attempts.length > 1) notes.push(`${task.attempts.length} attempts`);
  if (task.clonedFrom) notes.push(`cloned from ${clonedFromText(task.clonedFrom)}`);
  let text = `Task ${paint("bold", task.pathspec)}  ${status}  ${notes.join(", ")}\n`;
  const error = task.error;
  if (error && (!task.successful || task.caught)) {
    const [headline, ...frames] = errorLines(error, task.caught ? "caught error" : "error", (line) =>
      oneLine(line, 200),
    );
    text += `  ${paint("red", headline)}\n${frames.map((frame) => `    ${frame}\n`).join("")}`;
  }
  const infos = task.artifactInfo();
  if (infos.length === 0) return text + "  (no artifacts)\n";
  const rows = [];
  for (const info of infos) {
    const value = await damage.artifact(task, info.name, SHOWN);
    const shown =
      value instanceof Unreadable
        ? { text: oneLine(`UNREADABLE: ${value.error.problem}`, PREVIEW_WIDTH), style: "red" as const }
        : preview(value);
    rows.push([info.name, info.type, formatBytes(info.size), shown]);
  }
  const table = formatTable(["ARTIFACT", "TYPE", "SIZE", "VALUE"], rows, paint);
  return text + table.replace(/^/gm, "  ").replace(/ +$/, "");
}

/** "run 1712 (task start/1)": where a cloned task's artifacts come from. */
function clonedFromText(pathspec: string): string {
  const [, runId, step, id] = pathspec.split("/");
  return step === undefined ? pathspec : `run ${runId} (task ${step}/${id})`;
}

/** A value on one line, as Node prints it, cut to PREVIEW_WIDTH characters. */
export function preview(value: unknown): string {
  const text = inspect(value, {
    depth: 2,
    maxArrayLength: 8,
    maxStringLength: PREVIEW_WIDTH,
    breakLength: Infinity,
    compact: true,
    colors: false,
  });
  return oneLine(text, PREVIEW_WIDTH);
}

function oneLine(text: string, width: number): string {
  const flat = printable(text.replace(/\s*\n\s*/g, " "));
  return flat.length > width ? `${flat.slice(0, width - 3)}...` : flat;
}
