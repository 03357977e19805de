import { spawn } from "node:child_process";

/** Slurm's client commands the executor runs. */
export type SlurmTool = "sbatch" | "squeue" | "sacct" | "scontrol" | "scancel";

/**
 * A Slurm command that could not run or that Slurm refused, with one line that says why: the tool
 * is not installed, the controller does not answer, or Slurm's own first error line.
 */
export class SlurmCommandError extends Error {
  constructor(
    readonly tool: SlurmTool,
    message: string,
    /** Slurm's stderr, whole, for callers that look for a particular answer. */
    readonly stderr = "",
  ) {
    super(message);
    this.name = "SlurmCommandError";
  }
}

/** Runs Slurm commands with one environment (the run's, where SLURM_CONF names the cluster). */
export interface SlurmCommands {
  /** The command's stdout; rejects with a SlurmCommandError when it fails. */
  run(tool: SlurmTool, args: string[], input?: string): Promise<string>;
}

export function slurmCommands(env: NodeJS.ProcessEnv): SlurmCommands {
  return { run: (tool, args, input) => runTool(env, tool, args, input) };
}

function runTool(env: NodeJS.ProcessEnv, tool: SlurmTool, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error: NodeJS.ErrnoException) =>
      reject(
        new SlurmCommandError(
          tool,
          error.code === "ENOENT"
            ? `${tool} is not installed or not on the PATH: Slurm's client commands are needed to run steps on Slurm`
            : `${tool} could not start: ${error.message}`,
        ),
      ),
    );
    child.on("close", (code, signal) => {
      const stderr = Buffer.concat(err).toString("utf8");
      if (code === 0) resolve(Buffer.concat(out).toString("utf8"));
      else reject(new SlurmCommandError(tool, failureLine(tool, stderr, code, signal, env), stderr));
    });
    // A command that exits before reading its input (a bad option) closes the pipe: not our error.
    child.stdin.on("error", () => undefined);
    child.stdin.end(input ?? "");
  });
}

/** One line for a failed command: the controller unreachable, or Slurm's own first error. */
function failureLine(
  tool: SlurmTool,
  stderr: string,
  code: number | null,
  signal: NodeJS.Signals | null,
  env: NodeJS.ProcessEnv,
): string {
  if (/Unable to contact slurm controller|Connection refused|Could not establish a configuration source/i.test(stderr))
    return `${tool}: the Slurm controller (slurmctld) cannot be reached${slurmConfHint(env)}: ${firstError(stderr)}`;
  const line = firstError(stderr);
  return `${tool} failed (${signal ?? `exit ${code}`})${line ? `: ${line}` : ""}`;
}

function slurmConfHint(env: NodeJS.ProcessEnv): string {
  return env.SLURM_CONF ? "" : " (is SLURM_CONF set? `npm run cluster:up` writes it to .tsflow-cluster.env)";
}

/** Slurm's most telling line: the first `error:` or `fatal:` one, without the tool's prefix. */
function firstError(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const telling = lines.find((l) => /\b(error|fatal)\b/i.test(l)) ?? lines[0] ?? "";
  return telling.replace(/^[a-z]+: (error|fatal): /i, "");
}
