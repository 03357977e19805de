import type { Datastore } from "../datastore";
import { DatastoreError } from "../datastore/errors";
import type { RunRecord, TaskRecord } from "../datastore/records";

/** An origin task resume cannot clone, and why: its step and everything after it run again. */
export interface Uncloneable {
  /** `FLOW/RUN/STEP/TASK` in the origin. */
  task: string;
  step: string;
  problem: string;
}

/**
 * Checks origin tasks before resume clones them: a clone must never carry a damaged record or
 * value into a new run that would then "succeed" with data nobody can read. Each blob is hashed
 * once however many tasks share it: the cost is one read of every value cloned.
 */
export class CloneCheck {
  private readonly blobs = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly datastore: Datastore,
    private readonly origin: RunRecord,
  ) {}

  /** The task's record when it can be cloned (or when it failed: nothing to clone), else what is wrong. */
  async task(step: string, id: string): Promise<{ record?: TaskRecord; damage?: Uncloneable }> {
    const pathspec = `${this.origin.flow}/${this.origin.id}/${step}/${id}`;
    const record = await readable(this.datastore, this.origin, step, id);
    if (record instanceof DatastoreError) return { damage: { task: pathspec, step, problem: record.message } };
    if (record?.status !== "succeeded") return { record };
    for (const [name, ref] of Object.entries(record.artifacts)) {
      if (!this.blobs.has(ref.hash)) this.blobs.set(ref.hash, this.datastore.artifacts.problem(ref));
      const problem = await this.blobs.get(ref.hash);
      if (problem) return { damage: { task: pathspec, step, problem: `artifact '${name}': ${problem}` } };
    }
    return { record };
  }
}

/** A task record, undefined when there is none, or the error that says why it cannot be read. */
export async function readable(
  datastore: Datastore,
  origin: RunRecord,
  step: string,
  id: string,
): Promise<TaskRecord | DatastoreError | undefined> {
  try {
    return await datastore.tasks.read(origin.flow, origin.id, step, id);
  } catch (error) {
    if (error instanceof DatastoreError) return error;
    throw error;
  }
}
