import type { CurrentState, ForeachStackFrame } from "../../authoring/current";
import type { Datastore } from "../../datastore";
import { layout } from "../../datastore/layout";
import { TsflowError } from "../../errors";
import { checkUserTag, isSystemTag } from "../../metadata/identity";
import { taskKey, type TagEdit, type TaskSpec } from "../protocol";
import { foreachElement } from "./foreach-input";
import type { SyncArtifacts } from "./prefetched";

/**
 * What `current` says while the task of `spec` runs, and `settled`, which waits for the tag edits
 * the step made to reach the run's record (the task is not done before they have) and returns
 * them, for the scheduler to pass on to the tasks after it.
 */
export function currentState(
  spec: TaskSpec,
  datastore: Datastore,
  fetched: SyncArtifacts,
): { state: CurrentState; settled: () => Promise<TagEdit[]> } {
  let edits: Promise<unknown> = Promise.resolve();
  const made: TagEdit[] = [];
  const state: CurrentState = {
    flowName: spec.flow,
    runId: spec.runId,
    stepName: spec.step,
    taskId: spec.taskId,
    retryCount: spec.attempt,
    pathspec: taskKey(spec),
    namespace: spec.current.namespace,
    username: spec.current.username,
    tags: spec.current.tags,
    ...(spec.current.originRunId !== undefined ? { originRunId: spec.current.originRunId } : {}),
    foreachStack: foreachStack(spec, datastore, fetched),
    editTags: (change) => {
      const add = checkTagEdit(change);
      // Edits reach the record one after another, in the order the step made them.
      edits = edits.then(async () => {
        await editTags(spec, datastore, change.remove, add);
        made.push({ add, remove: change.remove });
      });
      // Handled here so a failed edit waits for `settled` (which fails the task) without crashing the worker.
      edits.catch(() => undefined);
      const tags = state.tags.filter((t) => !change.remove.includes(t) || isSystemTag(t));
      return [...new Set([...tags, ...add])];
    },
  };
  const settled = async () => {
    await edits;
    return made;
  };
  return { state, settled };
}

/** One frame per enclosing foreach, outermost first; each element is read only when asked for. */
function foreachStack(spec: TaskSpec, datastore: Datastore, fetched: SyncArtifacts): ForeachStackFrame[] {
  return spec.foreach.map((frame, depth) => {
    const input = spec.foreachInputs?.[depth];
    const where = `${datastore.storage.describe(layout.run(spec.flow, spec.runId))} (foreach artifact ${input?.artifact ?? "?"} of step ${frame.step})`;
    return Object.freeze({
      step: frame.step,
      index: frame.index,
      count: frame.count,
      get value(): unknown {
        if (!input)
          throw new TsflowError("not-in-foreach", `the element of ${frame.step}'s foreach is not known to this task`);
        return foreachElement(fetched, input.ref, frame.index, where);
      },
    });
  });
}

/** The tags to add, checked; a system tag to remove is refused before anything is written. */
function checkTagEdit(change: { add: string[]; remove: string[] }): string[] {
  const add = change.add.map(checkUserTag);
  const system = change.remove.find(isSystemTag);
  if (system !== undefined) {
    throw new TsflowError("usage", `current.removeTags: '${system}' is a system tag: it cannot be removed`);
  }
  return add;
}

/**
 * A step's `current.addTags` / `removeTags` on the run's record: a compare-and-swap, as `tsflow
 * tag` makes, so a scheduler saving progress meanwhile keeps the new tags.
 */
async function editTags(spec: TaskSpec, datastore: Datastore, remove: string[], add: string[]): Promise<void> {
  const record = await datastore.runs.modify(spec.flow, spec.runId, (run) => {
    if (remove.some((t) => run.systemTags.includes(t))) {
      throw new TsflowError("usage", `current.removeTags: system tags cannot be removed`);
    }
    run.tags = [...new Set([...run.tags.filter((t) => !remove.includes(t)), ...add])];
  });
  if (!record) throw new TsflowError("not-found", `run ${spec.flow}/${spec.runId} has no record to tag`);
}
