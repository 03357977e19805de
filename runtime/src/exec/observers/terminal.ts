import type { RunRecord, StepProgress } from "../../datastore/records";
import type { Paint } from "../../cli/format/color";
import type { RunObserver } from "../observer";
import { formatDuration } from "../../format/duration";
import { placementText } from "../../format/placement";
import { tsflowCommand, type GivenOptions } from "../../format/command-hint";

export interface TerminalOptions {
  write: (text: string) => void;
  /** The flow file as the user typed it, for the commands the summary suggests. */
  file: string;
  /** Where the run's results are kept, as the summary shows it. */
  datastore: string;
  /** The options the user gave that the suggested commands repeat (`--datastore-root`, `--flow`). */
  given?: GivenOptions;
  paint: Paint;
  /** A terminal that can redraw: a live line per step. Otherwise one line per finished step. */
  live: boolean;
}

/**
 * Progress for a person: task output prefixed with its pathspec, a line per step (live on a
 * terminal), retries and failures as they happen.
 */
export function terminalObserver(o: TerminalOptions): RunObserver {
  let steps: string[] = [];
  let drawn = 0;
  let last: Record<string, StepProgress> = {};
  const reported = new Set<string>();
  const width = () => Math.max(...steps.map((s) => s.length));
  const erase = () => {
    if (drawn > 0) o.write(`\u001b[${drawn}A\u001b[J`);
    drawn = 0;
  };
  const draw = () => {
    if (!o.live) return;
    erase();
    const lines = steps.map((step) => stepLine(step, last[step], width(), o.paint));
    o.write(lines.join("\n") + "\n");
    drawn = lines.length;
  };
  const above = (text: string) => {
    erase();
    o.write(text);
    draw();
  };
  return {
    runStarted(run, order) {
      steps = order;
      o.write(
        `${o.paint("bold", `Run ${run.flow}/${run.id}`)}${run.origin ? ` (resuming ${run.flow}/${run.origin.runId} from \`${run.origin.step}\`)` : ""}\n`,
      );
      draw();
    },
    taskStarted() {},
    // A remote task's way through its engine, one line each: queued there, then running.
    taskPlaced(task) {
      above(o.paint("gray", `[${task.step}/${task.taskId}] ${placementText(task)}`) + "\n");
    },
    taskFinished() {},
    taskFailed(task) {
      // Attempts are counted from 0 here as in `tsflow logs --attempt N`, dump and the client API.
      const what = task.willRetry
        ? o.paint("yellow", `${task.pathspec} failed (attempt ${task.attempt}), retrying`)
        : task.willCatch
          ? o.paint("yellow", `${task.pathspec} failed, and @catchError stores the error`)
          : o.paint("red", `${task.pathspec} failed`);
      // Where it was thrown, as compilers print it, so a terminal makes it a link to the line.
      const place = task.error.location;
      const at = place ? `\n  at ${place.file}:${place.line}:${place.column}` : "";
      above(`${what}: ${task.error.type}: ${task.error.message}${at}\n`);
    },
    log(pathspec, stream, text) {
      const prefix = o.paint(stream === "stderr" ? "yellow" : "gray", `[${pathspec.split("/").slice(2).join("/")}]`);
      const lines = text.replace(/\n$/, "").split("\n");
      above(lines.map((line) => `${prefix} ${line}\n`).join(""));
    },
    progress(run) {
      last = run.steps;
      if (o.live) draw();
      else {
        for (const step of steps) {
          const p = run.steps[step];
          if (p && (p.status === "succeeded" || p.status === "failed") && !reported.has(step)) {
            reported.add(step);
            o.write(`${stepLine(step, p, width(), o.paint)}\n`);
          }
        }
      }
    },
    runFinished(run, durationMs) {
      this.progress(run);
      if (o.live) drawn = 0;
      o.write(summary(run, durationMs, o));
    },
  };
}

function stepLine(step: string, p: StepProgress | undefined, width: number, paint: Paint): string {
  const name = step.padEnd(width);
  if (!p || p.status === "pending") return `  ${paint("gray", `· ${name}  pending`)}`;
  const counts = `${p.done}/${p.total}`;
  if (p.status === "succeeded") return `  ${paint("green", "✓")} ${name}  ${counts}${time(p)}`;
  if (p.status === "failed") return `  ${paint("red", "✗")} ${name}  ${counts}, ${p.failed} failed`;
  return `  ${paint("cyan", "▸")} ${name}  ${counts}${p.running ? `, ${p.running} running` : ""}`;
}

function time(p: StepProgress): string {
  if (!p.startedAt || !p.finishedAt) return "";
  return ` in ${formatDuration(Date.parse(p.finishedAt) - Date.parse(p.startedAt))}`;
}

function summary(run: RunRecord, durationMs: number, o: TerminalOptions): string {
  const { paint, given = {} } = o;
  const tasks = Object.values(run.steps).reduce((n, p) => n + p.done, 0);
  const pathspec = `${run.flow}/${run.id}`;
  const store = { datastoreRoot: given.datastoreRoot };
  if (run.status === "succeeded") {
    const dump = tsflowCommand(["dump", pathspec], store);
    return `${paint("green", "Run succeeded")} in ${formatDuration(durationMs)}: ${tasks} task${tasks === 1 ? "" : "s"}. Its results are in ${o.datastore}: see them with \`${dump}\`.\n`;
  }
  const error = run.error;
  const where = error?.step ? ` in step \`${error.step}\` (task ${pathspec}/${error.step}/${error.task})` : "";
  const logs = tsflowCommand(["logs", `${pathspec}/${error?.step}/${error?.task}`, "--stderr"], store);
  const resume = tsflowCommand(["resume", o.file], given);
  const next = error?.step ? `\nIts logs: \`${logs}\`. Run again from there: \`${resume}\`.` : "";
  return `${paint("red", "Run failed")}${where} after ${formatDuration(durationMs)}: ${error?.message ?? "unknown error"}${next}\n`;
}
