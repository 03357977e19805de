/**
 * The runs explorer's nodes as plain data: what each row shows and what its actions need. The data
 * layer (./data.ts) makes them from the client API; the tree (./tree.ts) turns them into TreeItems.
 * Nothing here knows of the editor, so the unit tests check exactly what a user would see.
 */
import { isDeepStrictEqual } from "node:util";
import type { SourceLocation } from "../../../runtime/src/client";
import type { ArtifactTarget, LogTarget } from "../run-targets";

/** A codicon and an optional theme color id, e.g. `{ id: "pass", color: "testing.iconPassed" }`. */
export interface Icon {
  id: string;
  color?: string;
}

/** The status a row shows: a run's, a step's or a task's. */
/** `damaged`: a task whose record cannot be read; its logs, files of their own, still can. */
export type NodeStatus = "running" | "succeeded" | "failed" | "unfinished" | "pending" | "damaged";

/** What every row has. */
export interface NodeBase {
  /** Unique in the tree and stable across reads: the tree keeps expansion and selection by it. */
  key: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon: Icon;
  /** The `viewItem` of package.json's menus: words, the first one the node's kind. */
  contextValue: string;
  /** Whether the row can be expanded, and whether it starts expanded. */
  collapsible: "none" | "collapsed" | "expanded";
}

/** A flow: from the datastore, a workspace file, or both. */
export interface FlowNode extends NodeBase {
  kind: "flow";
  flow: string;
  /** The file that defines it in the workspace, an absolute path, when one was found. */
  file?: string;
  /** Whether the datastore holds runs of it. */
  inDatastore: boolean;
  /**
   * When the workspace defines the class in several files, this row is one of them and lists only
   * the runs started from it; absent, the row lists every run of the class.
   */
  flowFile?: string;
}

export interface RunNode extends NodeBase {
  kind: "run";
  flow: string;
  runId: string;
  /** `Flow/runId` */
  pathspec: string;
  status: NodeStatus;
  /** Every tag, system tags first, as the tag filter matches them. */
  tags: string[];
  /** The tags `tsflow tag` may remove. */
  userTags: string[];
  /** The flow file the run was started from, an absolute path. */
  flowFile: string;
  /** For a resumed run: the run it cloned from and the step it ran again from. */
  origin?: { runId: string; step: string };
}

/** "Load more…": the next page of a flow's runs or of a step's tasks. */
export interface MoreNode extends NodeBase {
  kind: "more";
  /** The key of the row whose children it extends. */
  parent: string;
  /** How many rows show now, and how many more it shows. */
  shown: number;
  page: number;
}

export interface StepNode extends NodeBase {
  kind: "step";
  flow: string;
  runId: string;
  step: string;
  /** `Flow/runId/step` */
  pathspec: string;
  status: NodeStatus;
  flowFile: string;
}

export interface TaskNode extends NodeBase {
  kind: "task";
  /** `Flow/runId/step/taskId` */
  pathspec: string;
  step: string;
  status: NodeStatus;
  /** False for a task still running (or killed): it has logs but no record, so no artifacts. */
  finished: boolean;
  flowFile: string;
  /** For a failed task whose error the runtime located: where it was thrown. */
  errorLocation?: SourceLocation;
}

/** One attempt of a task that took more than one: its status and error; its logs are its children. */
export interface AttemptNode extends NodeBase {
  kind: "attempt";
  /** The task's pathspec, `Flow/runId/step/taskId`. */
  pathspec: string;
  attempt: number;
  status: NodeStatus;
  /** Where its error was thrown in the flow's own files, when it failed there. */
  location?: SourceLocation;
}

export interface ArtifactNode extends NodeBase {
  kind: "artifact";
  target: ArtifactTarget;
  /** The step of the task, for finding the same artifact in other runs. */
  step: string;
  type: string;
  size: number;
}

export interface LogNode extends NodeBase {
  kind: "log";
  target: LogTarget;
}

/** A row that only says something: "No runs match the filter", a read error. */
export interface MessageNode extends NodeBase {
  kind: "message";
}

export type ExplorerNode =
  FlowNode | RunNode | MoreNode | StepNode | TaskNode | AttemptNode | ArtifactNode | LogNode | MessageNode;

/** Nodes whose children the data layer reads. */
export type ParentNode = FlowNode | RunNode | StepNode | TaskNode | AttemptNode;

/** Whether `node` has children to read. */
export function isParent(node: ExplorerNode): node is ParentNode {
  return (
    node.kind === "flow" ||
    node.kind === "run" ||
    node.kind === "step" ||
    node.kind === "task" ||
    node.kind === "attempt"
  );
}

/**
 * Whether a run read afresh has anything its row and subtree do not show yet. A running run's steps
 * and tasks move under an unchanged row; a finished run changes only with its record (its tags).
 * Refreshing a row for nothing is not free: it can close a child the user is opening just then.
 */
export function runChanged(shown: RunNode, fresh: RunNode): boolean {
  return shown.status === "running" || !isDeepStrictEqual(shown, fresh);
}
