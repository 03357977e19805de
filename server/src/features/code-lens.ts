import { pathToFileURL } from "node:url";
import {
  CodeLensRefreshRequest,
  DidChangeWatchedFilesNotification,
  type CodeLens,
  type FileSystemWatcher,
  type Range,
} from "vscode-languageserver";
import type { FlowGraph, Step } from "../../../runtime/src/graph/model";
import { toRange } from "../convert";
import { Commands, type CommandTarget } from "../protocol";
import { datastoreRootFor, describeStep, RunStatusReader, type LatestRun } from "../run-status";
import type { Feature, ServerContext } from "../server";

/** How often a run that a lens shows as running is read again, to move its lenses along. */
const LIVE_POLL_MS = 1000;
/** A run record changed on disk: lenses are refreshed this long after, once per burst of writes. */
const RECORDS_SETTLE_MS = 300;
/**
 * Runs' records within a datastore, and the folders that hold them: VS Code reports a deleted
 * folder alone, not the records inside it.
 */
const RUN_RECORDS = "flows/{*,*/runs/*,*/runs/*/run.json}";

/**
 * Code lenses: Run, Resume and Show DAG on each flow class; Run from here on each step and, once
 * the datastore holds a run of the flow, the step's status in the latest run. They are resolved
 * eagerly: reading the status is one small file per flow, and a lens without its title would flicker.
 */
export const codeLensFeature: Feature = {
  capabilities: { codeLensProvider: { resolveProvider: false } },
  register(context) {
    const statuses = new RunStatusReader((message) => context.connection.console.warn(message));
    const live = new LiveRuns(statuses, () => context.connection.sendRequest(CodeLensRefreshRequest.type));
    context.connection.onCodeLens((params) => documentLenses(context, statuses, live, params.textDocument.uri));
    context.connection.onDidChangeWatchedFiles(() => live.recordsChanged());
  },
  // A run started anywhere (a terminal, another window) shows in the lenses as soon as its record is
  // written, without an edit: the client watches run records for us, where it can.
  initialized({ connection, client, settings }) {
    const watching = client.workspace?.didChangeWatchedFiles;
    if (!watching?.dynamicRegistration) return;
    const watchers: FileSystemWatcher[] = [{ globPattern: `**/${RUN_RECORDS}` }];
    const root = settings.datastoreRoot ? datastoreRootFor("", settings) : undefined;
    if (root !== undefined && watching.relativePatternSupport) {
      watchers.push({ globPattern: { baseUri: pathToFileURL(root).toString(), pattern: RUN_RECORDS } });
    }
    void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }).catch(() => undefined);
  },
};

async function documentLenses(
  { documents, cache, settings }: ServerContext,
  statuses: RunStatusReader,
  live: LiveRuns,
  uri: string,
): Promise<CodeLens[] | null> {
  const document = documents.get(uri);
  if (!document) return null;
  const flows = cache.get(document).analysis?.flows ?? [];
  const root = datastoreRootFor(uri, settings);
  const lenses: CodeLens[] = [];
  for (const { graph } of flows) {
    const run = root === undefined ? undefined : await statuses.latest(root, graph.name, uri);
    if (root !== undefined) live.shown(root, graph.name, run, uri);
    lenses.push(...flowLenses(uri, graph, run));
  }
  return lenses;
}

/** The class's three lenses, then each step's. */
function flowLenses(uri: string, graph: FlowGraph, run: LatestRun | undefined): CodeLens[] {
  const range = toRange(graph.range);
  const target: CommandTarget = { uri, flow: graph.name };
  return [
    lens(range, "Run", Commands.run, target),
    lens(range, "Resume", Commands.resume, target),
    lens(range, "Show DAG", Commands.showDag, target),
    ...graph.steps.flatMap((step) => stepLenses(target, step, run)),
  ];
}

function stepLenses(flow: CommandTarget, step: Step, run: LatestRun | undefined): CodeLens[] {
  const range = toRange(step.range);
  const target: CommandTarget = { ...flow, step: step.name };
  const lenses = [lens(range, "Run from here", Commands.runFromStep, target)];
  if (run) {
    const title = describeStep(run.steps[step.name], run.status);
    const tooltip = `${step.name} in the latest run, ${run.pathspec} (${run.status}): click to show it`;
    lenses.push(lens(range, title, Commands.showStepRun, { ...target, runPathspec: run.pathspec }, tooltip));
  }
  return lenses;
}

function lens(range: Range, title: string, command: string, target: CommandTarget, tooltip?: string): CodeLens {
  return { range, command: { title, command, arguments: [target], ...(tooltip ? { tooltip } : {}) } };
}

/**
 * Keeps the status lenses of running runs moving: while a lens shows a run as running, the run is
 * read again every second, and when it has moved on the client is asked for fresh lenses
 * (`workspace/codeLens/refresh`). Nothing is polled while no shown run is running. A client that
 * refuses the refresh request is not asked again.
 */
class LiveRuns {
  private readonly running = new Map<string, { root: string; flow: string; uri: string; seen: string }>();
  private timer: NodeJS.Timeout | undefined;
  private settling: NodeJS.Timeout | undefined;
  private supported = true;

  constructor(
    private readonly statuses: RunStatusReader,
    private readonly refresh: () => Promise<void>,
  ) {}

  /** A lens now shows `run` as the latest of `flow`: watch it while it runs. */
  shown(root: string, flow: string, run: LatestRun | undefined, uri: string): void {
    const key = `${root}\0${flow}\0${uri}`;
    if (run?.status !== "running" || !this.supported) {
      this.running.delete(key);
      return;
    }
    this.running.set(key, { root, flow, uri, seen: fingerprint(run) });
    // A poll must not keep the server alive once the client has gone.
    this.timer ??= setTimeout(() => void this.poll(), LIVE_POLL_MS).unref();
  }

  /** A run record changed on disk: the lenses are asked for again once the burst of writes settles. */
  recordsChanged(): void {
    if (!this.supported) return;
    this.settling ??= setTimeout(() => {
      this.settling = undefined;
      this.statuses.invalidate();
      this.refresh().catch(() => this.stop());
    }, RECORDS_SETTLE_MS).unref();
  }

  private async poll() {
    this.timer = undefined;
    let moved = false;
    for (const [key, watched] of this.running) {
      if (fingerprint(await this.statuses.latest(watched.root, watched.flow, watched.uri)) === watched.seen) continue;
      // The lens request that the refresh brings watches it again if it still runs.
      this.running.delete(key);
      moved = true;
    }
    if (moved) await this.refresh().catch(() => this.stop());
    if (this.running.size > 0) this.timer ??= setTimeout(() => void this.poll(), LIVE_POLL_MS).unref();
  }

  private stop() {
    this.supported = false;
    this.running.clear();
  }
}

/** What a lens shows of a run, as one comparable string. */
function fingerprint(run: LatestRun | undefined): string {
  return run === undefined ? "" : JSON.stringify([run.pathspec, run.status, run.steps]);
}
