import { SlurmCommandError, type SlurmCommands } from "./commands";

/** What Slurm says of one job or array element. */
export interface JobState {
  /** `1234`, or `1234_5` for an element of array job 1234. */
  where: string;
  /** Slurm's state, upper case: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, ... */
  state: string;
  /** Why it waits or ended, in Slurm's words (`Resources`, `NonZeroExitCode`, `None`). */
  reason: string;
  /** The batch script's exit code, once ended; null when killed by a signal or not known. */
  exitCode: number | null;
  signal: number | null;
}

export type Phase = "queued" | "running" | "ended";

const QUEUED = new Set(["PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD", "CONFIGURING"]);
const ENDED = new Set([
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMEOUT",
  "NODE_FAIL",
  "OUT_OF_MEMORY",
  "PREEMPTED",
  "BOOT_FAIL",
  "DEADLINE",
  "REVOKED",
  "SPECIAL_EXIT",
]);

/** Where a state stands; any other (RUNNING, COMPLETING, SUSPENDED, ...) is running. */
export function phaseOf(state: string): Phase {
  if (QUEUED.has(state)) return "queued";
  return ENDED.has(state) ? "ended" : "running";
}

const SQUEUE_FIELDS = "JobID:|,ArrayJobID:|,ArrayTaskID:|,State:|,Reason:|,exit_code:|";

/**
 * The states of the jobs `ids` (base job ids: an array's id names all its elements), in one
 * `squeue` call. Ended jobs stay listed for the controller's MinJobAge (300 s by default); jobs
 * it no longer knows are absent.
 */
export async function queueStates(slurm: SlurmCommands, ids: string[]): Promise<JobState[]> {
  let out: string;
  try {
    out = await slurm.run("squeue", [
      "--noheader",
      "--array",
      "--states=all",
      `--jobs=${ids.join(",")}`,
      "--Format",
      SQUEUE_FIELDS,
    ]);
  } catch (error) {
    // Asked only for ids it no longer knows, squeue fails with this rather than listing nothing.
    if (error instanceof SlurmCommandError && /Invalid job id/i.test(error.stderr)) return [];
    throw error;
  }
  return out.split("\n").filter(Boolean).map(squeueRow);
}

function squeueRow(line: string): JobState {
  const [jobId, arrayJobId, arrayTaskId, state, reason, status] = line.split("|").map((f) => f.trim());
  const where = arrayTaskId && arrayTaskId !== "N/A" ? `${arrayJobId}_${arrayTaskId}` : jobId;
  return { where, state: baseState(state), reason, ...waitStatus(Number(status)) };
}

/** squeue's exit_code is the wait status: the exit code in its high byte, a signal in its low bits. */
function waitStatus(status: number): Pick<JobState, "exitCode" | "signal"> {
  if (!Number.isInteger(status)) return { exitCode: null, signal: null };
  const signal = status & 0x7f;
  return signal ? { exitCode: null, signal } : { exitCode: status >> 8, signal: null };
}

/** `CANCELLED by 0` and `CANCELLED+` are CANCELLED. */
function baseState(state: string): string {
  return state.split(/[ +]/)[0].toUpperCase();
}

/**
 * The final states of jobs the controller no longer lists: from accounting (`sacct`) when the
 * cluster keeps it, else from `scontrol show job` (which knows what squeue knows, so mostly
 * nothing). Absent from the result: unknown to Slurm.
 */
export async function finishedStates(slurm: SlurmCommands, wheres: string[]): Promise<JobState[]> {
  try {
    const out = await slurm.run("sacct", [
      "--noheader",
      "--parsable2",
      "--allocations",
      `--jobs=${wheres.join(",")}`,
      "--format=JobID,State,ExitCode,Reason",
    ]);
    return out.split("\n").filter(Boolean).map(sacctRow);
  } catch (error) {
    if (!(error instanceof SlurmCommandError && /accounting storage is disabled/i.test(error.stderr + error.message)))
      throw error;
  }
  const states = await Promise.all(wheres.map((where) => controllerState(slurm, where)));
  return states.filter((s): s is JobState => s !== undefined);
}

function sacctRow(line: string): JobState {
  const [where, state, exit, reason] = line.split("|");
  const [code, signal] = exit.split(":").map(Number);
  return {
    where,
    state: baseState(state),
    reason: reason ?? "",
    exitCode: signal ? null : code,
    signal: signal || null,
  };
}

async function controllerState(slurm: SlurmCommands, where: string): Promise<JobState | undefined> {
  try {
    const out = await slurm.run("scontrol", ["--oneliner", "show", "job", where]);
    const field = (name: string) => new RegExp(`\\b${name}=(\\S*)`).exec(out)?.[1] ?? "";
    const [code, signal] = field("ExitCode").split(":").map(Number);
    return {
      where,
      state: baseState(field("JobState")),
      reason: field("Reason"),
      exitCode: signal ? null : code,
      signal: signal || null,
    };
  } catch (error) {
    if (error instanceof SlurmCommandError && /Invalid job id/i.test(error.stderr)) return undefined;
    throw error;
  }
}
