import type { RunRecord } from "../datastore/records";
import { TsflowError } from "../errors";
import { graphFingerprint, shapeChanges, type GraphShape } from "../graph/fingerprint";
import type { RunPlan } from "./plan";

/**
 * Refuses to resume when the graph changed in a way that makes cloning wrong: a step that would be
 * cloned changed its kind, its transition or (a join) its inputs, or a step the origin ran before
 * the resume step is gone. Edits inside a step's body keep the graph's fingerprint: they resume.
 * An origin written before runs recorded their graph is not checked.
 */
export function checkGraphUnchanged(
  origin: RunRecord,
  shape: GraphShape,
  plan: RunPlan,
  resume: { step: string; rerun: Set<string> },
): void {
  const before = origin.graphShape;
  if (!before || origin.graphFingerprint === graphFingerprint(shape)) return;
  const rerunBefore = reachable(before, resume.step);
  const problems: string[] = [];
  for (const [name, was] of Object.entries(before)) {
    const now = shape[name];
    if (!now) {
      // A step after the resume step would run again anyway: removing it changes no cloned task.
      if (!rerunBefore.has(name)) problems.push(`step \`${name}\` was removed`);
      continue;
    }
    if (resume.rerun.has(name)) continue;
    for (const change of shapeChanges(was, now)) problems.push(`step \`${name}\`: ${change}`);
  }
  if (problems.length === 0) return;
  throw new TsflowError(
    "usage",
    `resume: ${plan.flow} changed since run ${origin.id} in a way that makes its results wrong to reuse: ${problems.join("; ")}. Resume from an earlier step (tsflow resume FILE STEP), or run the flow again`,
  );
}

/** The steps reachable from `from` in a recorded shape, `from` included. */
function reachable(shape: GraphShape, from: string): Set<string> {
  const seen = new Set<string>();
  const queue = [from];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (seen.has(name) || !shape[name]) continue;
    seen.add(name);
    queue.push(...shape[name].targets.map((t) => t.slice(t.lastIndexOf(":") + 1)));
  }
  return seen;
}
