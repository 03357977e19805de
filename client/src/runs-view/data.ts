/**
 * The explorer's data layer: the client API's flows, runs, steps, tasks, artifacts and logs as rows,
 * with paging and filters. No editor here: the unit tests drive it on real datastores. Runs are
 * listed a page at a time and each costs one run record; artifact values are read only for the
 * previews of small, inline ones, and only when a task is expanded.
 */
import { dirname } from "node:path";
import { DatastoreError, NotFoundError, type Run, type Step, type Task } from "../../../runtime/src/client";
import { displayPath } from "../../../runtime/src/format/paths";
import { readAhead } from "../../../runtime/src/datastore/read-ahead";
import { isLocalRoot } from "../readers";
import { flowNames, flowOf, readRun } from "./client-access";
import {
  artifactNodes,
  attemptNodes,
  damagedTaskNode,
  logNodes,
  runNode,
  stepNode,
  taskNode,
  unfinishedTaskNode,
} from "./describe";
import { statusMatches, type ExplorerFilter } from "./filter";
import { joined } from "./format";
import { FlowFiles } from "./flow-files";
import type { ArtifactTarget } from "../run-targets";
import type { TaskPlacement } from "../placements";
import type {
  ArtifactNode,
  AttemptNode,
  ExplorerNode,
  FlowNode,
  MessageNode,
  MoreNode,
  ParentNode,
  RunNode,
  StepNode,
  TaskNode,
} from "./nodes";

/** Runs a flow lists at first, and how many more each "Load more…" adds. */
export const PAGE_SIZE = 50;
/** A step's tasks a page: cheap to read (one small record each), but a foreach may have thousands. */
export const TASK_PAGE_SIZE = 500;

/** A flow class found in a workspace file. */
export interface WorkspaceFlow {
  flow: string;
  /** The file, an absolute path. */
  file: string;
  /** The file as the row shows it, e.g. relative to the workspace folder. */
  where: string;
}

/** What the explorer reads: set from the settings and the filter, again when either changes. */
export interface ExplorerSource {
  /** The datastore root, an absolute path; undefined when there is none (no workspace folder). */
  root: string | undefined;
  /** The namespace resolved: `user:NAME`, a tag, or null for every user's runs. */
  namespace: string | null;
  /** Its tag and status narrow the runs listed; its namespace is already resolved above. */
  filter: ExplorerFilter;
}

/** Another run's copy of an artifact, offered for comparison. */
export interface CompareCandidate {
  runId: string;
  description: string;
  target: ArtifactTarget;
}

export interface ExplorerDataOptions {
  pageSize?: number;
  taskPageSize?: number;
  now?: () => number;
  /** Hears of run records that cannot be read (the run is skipped) and of failed reads. */
  onError?: (error: Error) => void;
  /** Where the remote tasks of runs launched from the editor stand (PlacementBook). */
  placements?: LivePlacements;
}

/** What the explorer asks of the live placements: a task's, and a step's placed task ids. */
export interface LivePlacements {
  task(pathspec: string): TaskPlacement | undefined;
  taskIds(stepPathspec: string): string[];
}

/** What a glance at the datastore saw (see `ExplorerData.glance`). */
export interface Glance {
  /** The flows that have runs. */
  flows: string[];
  /** The newest run in the namespace of each flow asked about; undefined when it has none. */
  newest: Map<string, string | undefined>;
  /** The ids of every run of each flow asked about, whoever's. */
  ids: Map<string, ReadonlySet<string>>;
}

export class ExplorerData {
  private readonly limits = new Map<string, number>();
  private readonly files = new FlowFiles();
  private readonly pageSize: number;
  private readonly taskPageSize: number;
  private readonly now: () => number;
  private readonly onError: (error: Error) => void;
  private readonly placements: LivePlacements | undefined;

  constructor(
    private source: ExplorerSource,
    options: ExplorerDataOptions = {},
  ) {
    this.pageSize = options.pageSize ?? PAGE_SIZE;
    this.taskPageSize = options.taskPageSize ?? TASK_PAGE_SIZE;
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? (() => {});
    this.placements = options.placements;
  }

  /** Reads another datastore, namespace or filter from now on; paging starts again. */
  configure(source: ExplorerSource): void {
    this.source = source;
    this.limits.clear();
  }

  /** The datastore read now. */
  get root(): string | undefined {
    return this.source.root;
  }

  /** Whether the datastore read now is a local folder (watched); a bucket's runs are followed by polling. */
  get local(): boolean {
    return this.source.root !== undefined && isLocalRoot(this.source.root);
  }

  /**
   * The flows: those of the datastore and those defined in the workspace's files, by name. Empty
   * when there are neither, so the view shows its welcome.
   */
  async roots(workspace: readonly WorkspaceFlow[]): Promise<ExplorerNode[]> {
    const { root } = this.source;
    let stored: string[] = [];
    try {
      stored = root === undefined ? [] : await flowNames(root);
    } catch (error) {
      if (!(error instanceof NotFoundError)) return [this.failed("root", error)];
    }
    const files = new Map<string, WorkspaceFlow[]>();
    for (const w of workspace) files.set(w.flow, [...(files.get(w.flow) ?? []), w]);
    for (const w of workspace) this.files.note(w.flow, w.file);
    const names = [...new Set([...stored, ...files.keys()])].sort((a, b) => a.localeCompare(b));
    return names.flatMap((name) => flowNodes(name, stored.includes(name), files.get(name) ?? []));
  }

  /** The children of a row, read now. A read that fails becomes a row that says why. */
  async children(node: ParentNode): Promise<ExplorerNode[]> {
    try {
      switch (node.kind) {
        case "flow":
          return await this.runs(node);
        case "run":
          return await this.steps(node);
        case "step":
          return await this.tasks(node);
        case "task":
          return await this.taskContents(node);
        case "attempt":
          return await this.attemptLogs(node);
      }
    } catch (error) {
      return [this.failed(node.key, error)];
    }
  }

  /**
   * What a glance at the datastore sees: its flows, and for each of `flows` the newest run in the
   * namespace and the ids of every run it holds. One run record and one folder listing a flow:
   * cheap enough to ask every few seconds.
   */
  async glance(flows: readonly string[]): Promise<Glance> {
    const { root } = this.source;
    const newest = new Map<string, string | undefined>();
    const ids = new Map<string, ReadonlySet<string>>();
    if (root === undefined) return { flows: [], newest, ids };
    let stored: string[] = [];
    try {
      stored = await flowNames(root);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    const namespace = this.source.namespace;
    for (const flow of flows.filter((name) => stored.includes(name))) {
      newest.set(flow, undefined);
      const listed = flowOf(root, flow);
      ids.set(flow, new Set(await listed.runIds()));
      for await (const run of listed.runs({ namespace, onError: this.onError })) {
        newest.set(flow, run.id);
        break;
      }
    }
    return { flows: stored, newest, ids };
  }

  /** The next page under a "Load more…" row: its parent's children grow by a page on the next read. */
  loadMore(more: MoreNode): void {
    this.limits.set(more.parent, more.shown + more.page);
  }

  /**
   * The run `flow/id` read afresh, for a live update; undefined when it is gone, left the
   * namespace, or no longer passes the filter.
   */
  async run(flow: string, id: string): Promise<RunNode | undefined> {
    try {
      const node = this.withFile(runNode(await this.readRun(flow, id), this.now()));
      return this.passes(node) ? node : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Other runs of the artifact's flow, newest first, whose task at the same place in the same step
   * has an artifact of that name: at most `max`, looking through at most 10 × `max` runs.
   */
  async compareCandidates(node: ArtifactNode, max = 50): Promise<CompareCandidate[]> {
    const [flow, runId, step, taskId] = node.target.task.split("/");
    const base = await (await (await this.readRun(flow, runId)).step(step)).taskIds();
    const position = Math.max(0, base.indexOf(taskId));
    const found: CompareCandidate[] = [];
    let looked = 0;
    const { root, namespace } = this.require();
    for await (const run of flowOf(root, flow).runs({ namespace, onError: this.onError })) {
      if (found.length >= max || ++looked > max * 10) break;
      const candidate = run.id === runId ? undefined : await sameTask(run, step, position, node.target.artifact);
      if (candidate) found.push(this.candidate(run, candidate, node.target.artifact));
    }
    return found;
  }

  private async runs(flow: FlowNode): Promise<ExplorerNode[]> {
    if (!flow.inDatastore) return [message(flow.key, "No runs yet: run the flow to see it here.")];
    const { root, namespace, filter } = this.require();
    const limit = this.limit(flow.key, this.pageSize);
    const nodes: ExplorerNode[] = [];
    const now = this.now();
    const only = flow.flowFile === undefined ? {} : { flowFile: flow.flowFile };
    const listing = flowOf(root, flow.flow).runs({ namespace, tag: filter.tag, onError: this.onError, ...only });
    for await (const run of listing) {
      if (!statusMatches(filter, run.status)) continue;
      if (nodes.length === limit) {
        nodes.push(moreNode(flow.key, limit, this.pageSize));
        break;
      }
      this.files.note(run.flow, run.flowFile);
      nodes.push(runNode(run, now));
    }
    if (nodes.length === 0) return [message(flow.key, noRunsText(namespace, filter))];
    return nodes.map((node) => (node.kind === "run" ? this.withFile(node) : node));
  }

  private async steps(node: RunNode): Promise<ExplorerNode[]> {
    const run = await this.readRun(node.flow, node.runId);
    const fresh = runNode(run, this.now());
    const nodes: ExplorerNode[] = [];
    for await (const step of run.steps()) nodes.push(await stepNode(step, fresh, this.now()));
    return nodes.length > 0 ? nodes : [message(node.key, "No step has started yet.")];
  }

  private async tasks(node: StepNode): Promise<ExplorerNode[]> {
    const run = await this.readRun(node.flow, node.runId);
    const step = await run.step(node.step);
    const finished = new Set(await step.taskIds());
    const limit = this.limit(node.key, this.taskPageSize);
    // A task queued on a cluster has no log yet: the run's live events tell of it.
    const placed = this.placements?.taskIds(node.pathspec) ?? [];
    const ids = [...new Set([...(await step.taskIds({ unfinished: true })), ...placed])];
    const page = ids.slice(0, limit);
    const live = (id: string) => this.placements?.task(`${node.pathspec}/${id}`);
    // The page's records are read a few at a time (a GET each on S3), never one after another.
    const read = (id: string) =>
      finished.has(id)
        ? finishedTaskNode(step, id, node)
        : unfinishedTaskNode(node, id, run.status === "running", live(id));
    const nodes: ExplorerNode[] = [];
    for await (const row of readAhead(page, read)) {
      if (!row.ok) throw row.error;
      nodes.push(row.value);
    }
    if (ids.length > limit) nodes.push(moreNode(node.key, limit, this.taskPageSize));
    return nodes.length > 0 ? nodes : [message(node.key, "No task has started yet.")];
  }

  private async taskContents(node: TaskNode): Promise<ExplorerNode[]> {
    const [flow, runId, stepName, id] = node.pathspec.split("/");
    const step = await (await this.readRun(flow, runId)).step(stepName);
    const root = this.require().root;
    let task: Task | undefined;
    try {
      // A task shown as running may have finished since: its record says so.
      task = (await step.taskIds()).includes(id) ? await step.task(id) : undefined;
    } catch (error) {
      if (!(error instanceof DatastoreError)) throw error;
      // A damaged record hides the artifacts, not the logs: those are files of their own.
      return [message(node.key, error.message, "warning"), ...logNodes(undefined, node, root)];
    }
    const artifacts = task ? await artifactNodes(task, root) : [];
    return [...artifacts, ...(task ? attemptNodes(task) : []), ...logNodes(task, node, root)];
  }

  private async attemptLogs(node: AttemptNode): Promise<ExplorerNode[]> {
    const [flow, runId, stepName, id] = node.pathspec.split("/");
    const task = await (await (await this.readRun(flow, runId)).step(stepName)).task(id);
    return logNodes(task, node, this.require().root, node.attempt);
  }

  /** A run of a class defined in several files says which file it was started from. */
  private withFile(node: RunNode): RunNode {
    const root = this.source.root;
    if (root === undefined || !this.files.several(node.flow)) return node;
    return { ...node, description: joined(node.description, displayPath(node.flowFile, dirname(root))) };
  }

  private readRun(flow: string, id: string): Promise<Run> {
    const { root, namespace } = this.require();
    return readRun(root, namespace, flow, id);
  }

  private passes(node: RunNode): boolean {
    const { tag } = this.source.filter;
    return statusMatches(this.source.filter, node.status) && (tag === undefined || node.tags.includes(tag));
  }

  private candidate(run: Run, task: string, artifact: string): CompareCandidate {
    return {
      runId: run.id,
      description: joined(run.status, run.user, run.startedAt.toISOString()),
      target: { datastore: this.require().root, task, artifact },
    };
  }

  /** How many children the row `key` shows: a first page, or more once asked. */
  private limit(key: string, page: number): number {
    return this.limits.get(key) ?? page;
  }

  private require(): { root: string; namespace: string | null; filter: ExplorerFilter } {
    const { root, namespace, filter } = this.source;
    if (root === undefined) throw new NotFoundError("no datastore: open a folder first", "");
    return { root, namespace, filter };
  }

  private failed(parent: string, error: unknown): MessageNode {
    const failure = error instanceof Error ? error : new Error(String(error));
    this.onError(failure);
    return message(parent, failure.message, "warning");
  }
}

/** A finished task's row; one whose record cannot be read says so, and the others still show. */
async function finishedTaskNode(step: Step, id: string, node: StepNode): Promise<TaskNode> {
  try {
    return taskNode(await step.task(id), node.flowFile);
  } catch (error) {
    if (error instanceof DatastoreError) return damagedTaskNode(node, id, error);
    throw error;
  }
}

/** The pathspec of `run`'s task at `position` in `step` when it has `artifact`. */
async function sameTask(run: Run, step: string, position: number, artifact: string): Promise<string | undefined> {
  try {
    const found = await run.step(step);
    const ids = await found.taskIds();
    const task = ids[position] === undefined ? undefined : await found.task(ids[position]);
    return task?.hasArtifact(artifact) ? task.pathspec : undefined;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/**
 * The rows of the class `flow`: one, or one per file when the workspace defines it in several (a
 * class of one name in two files is two flows, each listing the runs started from its file).
 */
function flowNodes(flow: string, inDatastore: boolean, files: WorkspaceFlow[]): FlowNode[] {
  if (files.length <= 1) return [flowNode(flow, inDatastore, files[0])];
  return files.map((file) => ({
    ...flowNode(flow, inDatastore, file),
    key: `flow:${flow}@${file.file}`,
    flowFile: file.file,
  }));
}

function flowNode(flow: string, inDatastore: boolean, file: WorkspaceFlow | undefined): FlowNode {
  return {
    kind: "flow",
    key: `flow:${flow}`,
    label: flow,
    description: joined(file?.where, !inDatastore && "no runs yet"),
    tooltip: joined(flow, file?.file),
    icon: { id: "type-hierarchy" },
    contextValue: file ? "flow file" : "flow",
    collapsible: "collapsed",
    flow,
    ...(file ? { file: file.file } : {}),
    inDatastore,
  };
}

function moreNode(parent: string, shown: number, page: number): MoreNode {
  return {
    kind: "more",
    key: `more:${parent}`,
    label: "Load more…",
    description: `${shown} shown; the next ${page}`,
    icon: { id: "ellipsis" },
    contextValue: "more",
    collapsible: "none",
    parent,
    shown,
    page,
  };
}

function message(parent: string, text: string, icon = "info"): MessageNode {
  return {
    kind: "message",
    key: `message:${parent}`,
    label: text,
    icon: { id: icon },
    contextValue: "message",
    collapsible: "none",
  };
}

function noRunsText(namespace: string | null, filter: ExplorerFilter): string {
  const narrowed = filter.tag !== undefined || filter.status !== undefined;
  if (narrowed) return "No runs match the filter.";
  return namespace === null ? "No runs." : `No runs in namespace ${namespace}.`;
}
