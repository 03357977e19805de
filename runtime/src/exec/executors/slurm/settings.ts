import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { shellQuote } from "./script";

/** How the Slurm executor is configured, from the run's environment. */
export interface SlurmSettings {
  /** Shell words that start `tsflow` on a node; the step's arguments are appended. */
  command: string;
  /** Where jobs write their stdout/stderr, read back as they grow: a folder the nodes share. */
  outputDir: string;
  /** Between two looks at the queue (one squeue call for all of the run's jobs). */
  pollMs: number;
}

/**
 * TSFLOW_SLURM_COMMAND: how a node starts `tsflow`; by default this Node binary and this CLI, right
 * on a single node or a shared filesystem with the same paths (else e.g. `module load nodejs &&
 * npx tsflow`). TSFLOW_SLURM_OUTPUT_DIR: the jobs' output files, by default
 * ~/.cache/tsflow/slurm (home folders are shared on most clusters). TSFLOW_SLURM_POLL_SECONDS:
 * how often the queue is read, 1 s by default.
 */
export function slurmSettings(env: NodeJS.ProcessEnv): SlurmSettings {
  const poll = Number(env.TSFLOW_SLURM_POLL_SECONDS);
  return {
    command: env.TSFLOW_SLURM_COMMAND?.trim() || defaultCommand(),
    outputDir: env.TSFLOW_SLURM_OUTPUT_DIR || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "tsflow", "slurm"),
    pollMs: poll > 0 ? poll * 1000 : 1000,
  };
}

/** This Node and the CLI beside this bundle (dist/cli.js); from source, the repository's build. */
function defaultCommand(): string {
  const candidates = [join(__dirname, "cli.js"), join(__dirname, "..", "..", "..", "..", "..", "dist", "cli.js")];
  const cli = candidates.find((path) => existsSync(path)) ?? candidates[0];
  return `${shellQuote(process.execPath)} ${shellQuote(cli)}`;
}
