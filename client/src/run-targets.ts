/**
 * What the run views hand each other: the runs explorer's nodes, the artifact and log documents and
 * the table/plot viewer all name a run's parts this way, and pass these objects as command arguments.
 * Every target carries the datastore it is in, because a window can read several.
 */

/** A run: `Flow/runId`. */
export interface RunTarget {
  /** The datastore root, an absolute path. */
  datastore: string;
  /** `Flow/runId` */
  run: string;
}

/** A step of a run: `Flow/runId/step`. */
export interface StepTarget {
  datastore: string;
  /** `Flow/runId/step` */
  step: string;
}

/** An artifact of one task. */
export interface ArtifactTarget {
  datastore: string;
  /** The task's pathspec, `Flow/runId/step/taskId`. */
  task: string;
  /** The artifact's name. */
  artifact: string;
}

/** A log of one task. */
export interface LogTarget {
  datastore: string;
  /** The task's pathspec, `Flow/runId/step/taskId`. */
  task: string;
  stream: "stdout" | "stderr";
  /** One attempt's log (0 for the first); without it, the latest attempt's, which a running task follows. */
  attempt?: number;
}

/** The commands of the run views, as package.json declares them. */
export const RunViewCommands = {
  /** (ArtifactTarget) the artifact as a read-only `tsflow:` document. */
  openArtifact: "tsflow.openArtifact",
  /** (ArtifactTarget) arrays of records and typed arrays in the table/plot viewer; images as images. */
  viewArtifact: "tsflow.viewArtifact",
  /** (ArtifactTarget, ArtifactTarget?) two runs' artifacts side by side in the diff editor. */
  compareArtifacts: "tsflow.compareArtifacts",
  /** (LogTarget) a task's log as a document that follows the task while it runs. */
  openLog: "tsflow.openLog",
} as const;
