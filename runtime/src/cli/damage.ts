import { DatastoreError, type ArtifactReadOptions, type Step, type Task } from "../client";
import { EXIT } from "./exit-codes";
import type { CliIO } from "./io";

/**
 * What the read commands do with a damaged datastore: read what can be read, mark what cannot, and
 * sum it up at the end, so one damaged record or value hides nothing else.
 */

/** A task whose record exists but cannot be read (garbled, truncated). */
export interface UnreadableTask {
  pathspec: string;
  step: string;
  id: string;
  error: DatastoreError;
}

/** An artifact whose stored value cannot be read back (a damaged or missing blob). */
export class Unreadable {
  constructor(readonly error: DatastoreError) {}
}

/**
 * Reads tasks and values for a command, keeping the entries it could not read, as `--json` lists
 * them and stderr sums them up: a reader cannot forget to count one.
 */
export class Damage {
  readonly entries: Array<{ pathspec: string; message: string }> = [];

  /** The task `id` of `step`, or what is wrong with its record. Other errors (not found) are thrown. */
  async task(step: Step, id: string): Promise<Task | UnreadableTask> {
    try {
      return await step.task(id);
    } catch (error) {
      if (!(error instanceof DatastoreError)) throw error;
      const pathspec = `${step.pathspec}/${id}`;
      this.add(pathspec, error);
      return { pathspec, step: step.name, id, error };
    }
  }

  /** An artifact's value, or an Unreadable saying why it cannot be read. */
  async artifact(task: Task, name: string, options?: ArtifactReadOptions): Promise<unknown> {
    try {
      return await task.artifact(name, options);
    } catch (error) {
      if (!(error instanceof DatastoreError)) throw error;
      this.add(`${task.pathspec}/${name}`, error);
      return new Unreadable(error);
    }
  }

  private add(pathspec: string, error: DatastoreError): void {
    this.entries.push({ pathspec, message: error.message });
  }

  /** Writes the summary line when something could not be read; the command's exit code. */
  report(io: CliIO): number {
    const count = this.entries.length;
    if (count === 0) return EXIT.ok;
    const names = this.entries.slice(0, 3).map((entry) => entry.pathspec);
    const more = count > 3 ? `, and ${count - 3} more` : "";
    io.stderr(
      `tsflow: ${count} ${count === 1 ? "entry" : "entries"} could not be read (${names.join(", ")}${more}): ` +
        "the rest is printed; tsflow doctor checks the whole datastore\n",
    );
    return EXIT.failed;
  }
}
