import type { CurrentState, ForeachStackFrame } from "../../authoring/current";
import type { Datastore } from "../../datastore";
import { layout } from "../../datastore/layout";
import { TsflowError } from "../../errors";
import { checkUserTag, isSystemTag } from "../../metadata/identity";
import { taskKey, type TaskSpec } from "../protocol";
import { foreachElement } from "./foreach-input";

/** What `current` says while the task of `spec` runs. */
export function currentState(spec: TaskSpec, datastore: Datastore): CurrentState {
  return {
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
    foreachStack: foreachStack(spec, datastore),
    editTags: (change) => editTags(spec, datastore, change),
  };
}

/** One frame per enclosing foreach, outermost first; each element is read only when asked for. */
function foreachStack(spec: TaskSpec, datastore: Datastore): ForeachStackFrame[] {
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
        return foreachElement(datastore.artifacts, input.ref, frame.index, where);
      },
    });
  });
}

/**
 * A step's `current.addTags` / `removeTags`: the run's record changes under its lock, as
 * `tsflow tag` changes it, so a scheduler saving progress meanwhile keeps the new tags.
 */
function editTags(spec: TaskSpec, datastore: Datastore, change: { add: string[]; remove: string[] }): string[] {
  const add = change.add.map(checkUserTag);
  const system = change.remove.find(isSystemTag);
  if (system !== undefined) {
    throw new TsflowError("usage", `current.removeTags: '${system}' is a system tag: it cannot be removed`);
  }
  const record = datastore.runs.modify(spec.flow, spec.runId, (run) => {
    if (change.remove.some((t) => run.systemTags.includes(t))) {
      throw new TsflowError("usage", `current.removeTags: system tags cannot be removed`);
    }
    run.tags = [...new Set([...run.tags.filter((t) => !change.remove.includes(t)), ...add])];
  });
  if (!record) throw new TsflowError("not-found", `run ${spec.flow}/${spec.runId} has no record to tag`);
  return [...record.systemTags, ...record.tags];
}
