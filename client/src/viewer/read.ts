/**
 * Reads one artifact through the runtime's read-only client API, for the viewer. No editor API:
 * tested on a real datastore.
 */
import { readerOf } from "../readers";
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
 * Reads the artifact `target` names, in every user's namespace: the user picked it in a view that
 * already chose which runs to list. Throws the client's errors (NotFoundError, DatastoreError...),
 * whose messages name the task or file.
 */
export async function readArtifact(target: ArtifactTarget): Promise<ReadArtifact> {
  const task = await readerOf(target.datastore).task(target.task);
  const info = task.artifactInfo().find((a) => a.name === target.artifact);
  const value = await task.artifact(target.artifact, { unregistered: "stand-in" });
  const header = { pathspec: artifactPathspec(target), type: info?.type ?? typeof value, size: info?.size ?? 0 };
  return { header, value };
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
