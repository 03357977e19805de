import type { StepCommand } from "../../executor";

/**
 * The batch script of one submission: one task, or the elements of a job array (`--array=0-N`),
 * each element's `tsflow step` arguments chosen by SLURM_ARRAY_TASK_ID. The arguments live in the
 * script itself, which sbatch hands to the controller: no file has to be shared with the node.
 * It sets TSFLOW_EXECUTOR and TSFLOW_EXECUTOR_ID (the job id; `JOBID_INDEX` for an element) for the
 * task record's `ranOn`. The step command's environment holds no credential (exec/executor.ts):
 * those reach the job through its environment (`--export=ALL`), never through this text.
 *
 * @param command the shell words that start `tsflow` on the node (TSFLOW_SLURM_COMMAND), the
 *   step's arguments appended
 */
export function batchScript(command: string, tasks: StepCommand[], title: string): string {
  const lines = ["#!/bin/bash", `# ${title.replace(/\n/g, " ")}`, "export TSFLOW_EXECUTOR=slurm"];
  if (tasks.length === 1) {
    lines.push('export TSFLOW_EXECUTOR_ID="$SLURM_JOB_ID"', ...invocation(tasks[0]));
  } else {
    lines.push('export TSFLOW_EXECUTOR_ID="${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"');
    lines.push('case "$SLURM_ARRAY_TASK_ID" in');
    tasks.forEach((task, index) => lines.push(`  ${index})`, ...invocation(task).map((l) => `    ${l}`), "    ;;"));
    lines.push('  *) echo "tsflow: no task for array index $SLURM_ARRAY_TASK_ID" >&2; exit 2 ;;', "esac");
  }
  // Not `exec`: the command may be several shell words (`module load node && node cli.js`).
  lines.push(`${command} "$@"`, "");
  return lines.join("\n");
}

function invocation(task: StepCommand): string[] {
  const exports = Object.entries(task.env).map(([name, value]) => `export ${name}=${shellQuote(value)}`);
  return [...exports, `set -- ${task.args.map(shellQuote).join(" ")}`];
}

/** A shell word that stands for exactly `value`. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
