import { CodeLensRefreshRequest, type CodeLens, type Range } from "vscode-languageserver";
import type { FlowGraph, Step } from "../../../runtime/src/graph/model";
import { toRange } from "../convert";
import { Commands, type CommandTarget } from "../protocol";
import { datastoreRootFor, describeStep, type LatestRun } from "../run-status";
import type { Feature, ServerContext } from "../server";

/**
 * Code lenses: Run, Show DAG and (when the latest run failed or did not finish) Resume on each
 * flow class; Run from here on each step and, once
 * the datastore holds a run of the flow, the step's status in the latest run. They are resolved
 * eagerly: reading the status is one small file per flow, and a lens without its title would flicker.
 */
export const codeLensFeature: Feature = {
  capabilities: { codeLensProvider: { resolveProvider: false } },
  register(context) {
    // The lenses follow every run as it goes (LiveRuns): the client is asked for them again when one
    // moves on. A client that refuses the refresh request is not asked again.
    let refreshes = true;
    context.runs.live.onChanged(() => {
      if (refreshes) context.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => (refreshes = false));
    });
    context.connection.onCodeLens((params) => documentLenses(context, params.textDocument.uri));
  },
};

async function documentLenses(
  { documents, cache, settings, runs }: ServerContext,
  uri: string,
): Promise<CodeLens[] | null> {
  const document = documents.get(uri);
  if (!document) return null;
  const flows = cache.get(document).analysis?.flows ?? [];
  const root = datastoreRootFor(uri, settings);
  const lenses: CodeLens[] = [];
  for (const { graph } of flows) {
    const run = root === undefined ? undefined : await runs.statuses.latest(root, graph.name, uri);
    if (root !== undefined) runs.live.shown(root, graph.name, run, uri);
    lenses.push(...flowLenses(uri, graph, run));
  }
  return lenses;
}

/** The class's lenses (Run, Resume when there is something to resume, Show DAG), then each step's. */
function flowLenses(uri: string, graph: FlowGraph, run: LatestRun | undefined): CodeLens[] {
  const range = toRange(graph.range);
  const target: CommandTarget = { uri, flow: graph.name };
  return [
    lens(range, "Run", Commands.run, target),
    ...(run && resumable(run)
      ? [
          lens(
            range,
            "Resume",
            Commands.resume,
            { ...target, runPathspec: run.pathspec },
            `Resume ${run.pathspec} (${run.status}) from where it stopped`,
          ),
        ]
      : []),
    lens(range, "Show DAG", Commands.showDag, target),
    ...graph.steps.flatMap((step) => stepLenses(target, step, run)),
  ];
}

/** A run that failed, or whose scheduler died, has something to resume; a running or succeeded one has not. */
function resumable(run: LatestRun): boolean {
  return run.status === "failed" || run.status === "unfinished";
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
