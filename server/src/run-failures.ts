/**
 * The failed tasks a flow file shows as diagnostics, read through the runtime's read-only client
 * API (never its exec code). A step's failure stays until the step runs again: each step's tasks
 * come from the newest run that started the step, so a new run hides a step's old error only once
 * it reaches that step.
 */
import { Flow, NotFoundError, useDatastore, type Run, type Step } from "../../runtime/src/client";

/** Where a task's error was thrown: the flow file (absolute path), 1-based line and column. */
export interface ErrorLocation {
  file: string;
  line: number;
  column: number;
}

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
  location: ErrorLocation;
}

/**
 * Runs looked through for a step's latest run, newest first. A step that none of them started
 * (a branch not taken for a while) shows no failure: an error that old is not worth a squiggle.
 */
const LOOK_BACK = 20;

/**
 * The located failures of `flow`'s steps `steps`, each from the newest run (in `namespace`, of
 * `flowFile` when given) that
 * started it. The look-back ends at the first run that succeeded: every step it did not start is
 * one the flow no longer takes. Tasks are read only for steps whose progress counts a failure.
 */
export async function readFailures(
  root: string,
  flow: string,
  namespace: string,
  steps: readonly string[],
  flowFile: string | undefined,
  onError: (error: Error) => void,
): Promise<TaskFailure[]> {
  // The client's datastore is process-wide state; Flow() binds the store at once.
  useDatastore(root);
  const undecided = new Set(steps);
  const failures: TaskFailure[] = [];
  let looked = 0;
  try {
    for await (const run of Flow(flow).runs({ namespace, onError, ...(flowFile ? { flowFile } : {}) })) {
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
    failures.push(...stepFailures(run, step, onError));
  }
  return failures;
}

function stepFailures(run: Run, step: Step, onError: (error: Error) => void): TaskFailure[] {
  const failures: TaskFailure[] = [];
  for (const id of step.taskIds()) {
    try {
      const task = step.task(id);
      const error = task.error as LocatedError | undefined;
      if (task.status !== "failed" || !error || !isLocation(error.location)) continue;
      const type = error.type ?? error.name ?? "Error";
      failures.push({ task: task.pathspec, step: step.name, run: run.pathspec, type, ...pick(error) });
    } catch (error) {
      // A damaged task record costs its own diagnostic, never the others'.
      onError(error instanceof Error ? error : new Error(String(error)));
    }
  }
  return failures;
}

/** A task's error as records of any age hold it: `location` is absent from runs made before it. */
interface LocatedError {
  type?: string;
  name?: string;
  message: string;
  location?: unknown;
}

function pick(error: LocatedError): { message: string; location: ErrorLocation } {
  const { file, line, column } = error.location as ErrorLocation;
  return { message: String(error.message), location: { file, line, column } };
}

function isLocation(value: unknown): value is ErrorLocation {
  if (typeof value !== "object" || value === null) return false;
  const { file, line, column } = value as Partial<ErrorLocation>;
  return typeof file === "string" && Number.isInteger(line) && (line ?? 0) >= 1 && Number.isInteger(column);
}
