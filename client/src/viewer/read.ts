/**
 * Reads one artifact through the runtime's read-only client API, for the viewer. No editor API:
 * tested on a real datastore.
 */
import { Task, type Task as ClientTask } from "../../../runtime/src/client";
import { readIn } from "../client-scope";
import type { ArtifactTarget } from "../run-targets";
import type { ArtifactHeader } from "./messages";

/** An artifact's value and what its task's record says of it. */
export interface ReadArtifact {
  header: ArtifactHeader;
  value: unknown;
}

/** `FLOW/RUN/STEP/TASK/artifact`: how the viewer names an artifact to the user. */
export function artifactPathspec(target: ArtifactTarget): string {
  return `${target.task}/${target.artifact}`;
}

/**
 * Reads the artifact `target` names. Throws the client's errors (NotFoundError, DatastoreError...),
 * whose messages name the task or file.
 */
export async function readArtifact(target: ArtifactTarget): Promise<ReadArtifact> {
  const task = openTask(target);
  const info = task.artifactInfo().find((a) => a.name === target.artifact);
  const value = await task.artifact(target.artifact, { unregistered: "stand-in" });
  const header = { pathspec: artifactPathspec(target), type: info?.type ?? typeof value, size: info?.size ?? 0 };
  return { header, value };
}

/**
 * The target's task. The client's datastore and namespace are process-wide, shared with the other
 * readers in the extension host: both are set and the task is bound to its store in one synchronous
 * stretch, so no other reader can run in between (as the DAG preview's run overlay does). The
 * namespace is lifted for the lookup: the user picked this artifact in a view that already chose
 * which runs to list, and is put back afterwards.
 */
function openTask(target: ArtifactTarget): ClientTask {
  return readIn(target.datastore, null, () => Task(target.task));
}

/** True for a command argument that names an artifact. */
export function isArtifactTarget(value: unknown): value is ArtifactTarget {
  const target = value as Partial<ArtifactTarget> | null;
  return (
    typeof value === "object" &&
    value !== null &&
    typeof target?.datastore === "string" &&
    typeof target.task === "string" &&
    typeof target.artifact === "string"
  );
}
