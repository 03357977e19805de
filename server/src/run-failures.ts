/**
 * The failed tasks a flow file shows as diagnostics, read through the runtime's read-only client
 * API (never its exec code). A step's failure stays until the step runs again: each step's tasks
 * come from the newest run that started the step, so a new run hides a step's old error only once
 * it reaches that step.
 */
import { NotFoundError, type Client, type Run, type SourceLocation, type Step } from "../../runtime/src/client";

/** A failed task whose error the runtime located in a flow file. */
export interface TaskFailure {
  /** `FLOW/RUN/STEP/TASK` */
  task: string;
  step: string;
  /** `FLOW/RUN` */
  run: string;
  /** "Error", "TypeError", ...: the error's class. */
  type: string;
  message: string;
  /** Where it was thrown: a flow file (absolute path), 1-based line and column. */
  location: SourceLocation;
}

/**
 * Runs looked through for a step's latest run, newest first. A step that none of them started
 * (a branch not taken for a while) shows no failure: an error that old is not worth a squiggle.
 */
const LOOK_BACK = 20;

/**
 * The located failures of `flow`'s steps `steps`, each from the newest run (in the reader's
 * namespace, of `flowFile` when given) that
 * started it. The look-back ends at the first run that succeeded: every step it did not start is
 * one the flow no longer takes. Tasks are read only for steps whose progress counts a failure.
 */
export async function readFailures(
  reader: Client,
  flow: string,
  steps: readonly string[],
  flowFile: string | undefined,
  onError: (error: Error) => void,
): Promise<TaskFailure[]> {
  const undecided = new Set(steps);
  const failures: TaskFailure[] = [];
  let looked = 0;
  try {
    for await (const run of reader.flow(flow).runs({ onError, ...(flowFile ? { flowFile } : {}) })) {
      failures.push(...(await decide(run, undecided, onError)));
      if (run.successful || undecided.size === 0 || ++looked >= LOOK_BACK) break;
    }
  } catch (error) {
    // No datastore or no run of this flow yet is the common case.
    if (!(error instanceof NotFoundError)) throw error;
  }
  return failures;
}

/** The failures of the steps of `undecided` that `run` started; those steps are decided then. */
async function decide(run: Run, undecided: Set<string>, onError: (error: Error) => void): Promise<TaskFailure[]> {
  const failures: TaskFailure[] = [];
  for await (const step of run.steps()) {
    if (!undecided.delete(step.name)) continue;
    if ((step.progress?.failed ?? 0) === 0 && step.progress?.status !== "failed") continue;
    failures.push(...(await stepFailures(run, step, onError)));
  }
  return failures;
}

async function stepFailures(run: Run, step: Step, onError: (error: Error) => void): Promise<TaskFailure[]> {
  const failures: TaskFailure[] = [];
  // A damaged task record costs its own diagnostic, never the others': tasks() skips it, telling onError.
  for await (const task of step.tasks({ onError })) {
    // The client gives a location only when it is a place in a file (runs made before TSFlow
    // recorded one have none).
    const error = task.error;
    if (task.status !== "failed" || !error?.location) continue;
    const { name: type, message, location } = error;
    failures.push({ task: task.pathspec, step: step.name, run: run.pathspec, type, message, location });
  }
  return failures;
}
