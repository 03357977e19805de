import { spawn } from "node:child_process";
import * as vscode from "vscode";
import { extensionEnv } from "../cluster-env";
import { Commands, type CommandTarget, type FlowGraphResult } from "../../../server/src/protocol";
import type { CommandSpec } from "../commands";
import { errorMessage } from "../error-message";
import { RunViewCommands } from "../run-targets";
import type { ExplorerData } from "./data";
import { createExampleFlow } from "./example-flow";
import { classLine, stepLine } from "./flow-source";
import type { ArtifactNode, ExplorerNode, FlowNode, MoreNode, RunNode, StepNode, TaskNode } from "./nodes";
import { LOAD_MORE_COMMAND, type RunsTree } from "./tree";

/** The explorer's commands, as its package.json contributions declare them. */
export const ExplorerCommands = {
  refresh: "tsflow.explorer.refresh",
  filter: "tsflow.explorer.filter",
  clearFilter: "tsflow.explorer.clearFilter",
  loadMore: LOAD_MORE_COMMAND,
  addTag: "tsflow.explorer.addTag",
  removeTag: "tsflow.explorer.removeTag",
  resume: "tsflow.explorer.resume",
  runFromStep: "tsflow.explorer.runFromStep",
  copyPathspec: "tsflow.explorer.copyPathspec",
  revealInFile: "tsflow.explorer.revealInFile",
  showInDag: "tsflow.explorer.showInDag",
  compareArtifact: "tsflow.explorer.compareArtifact",
  viewArtifact: "tsflow.explorer.viewArtifact",
  goToError: "tsflow.explorer.goToError",
  revealOrigin: "tsflow.explorer.revealOrigin",
  createExampleFlow: "tsflow.createExampleFlow",
} as const;

/** What the node commands need. */
export interface ExplorerCommandContext {
  data: ExplorerData;
  tree: RunsTree;
  /** The bundled CLI, `<extension>/dist/cli.js`. */
  cli: string;
  log: vscode.LogOutputChannel;
  /** The language server's analysis of a flow file, for exact step positions. */
  requestGraph?: (uri: string, flow?: string) => Thenable<FlowGraphResult | null>;
  /** Selects a row in the view (TreeView.reveal). */
  reveal?: (node: ExplorerNode) => Thenable<void>;
}

/** The node commands: tags, resume, copy, reveal, DAG, compare, view. Filters live in ./filter-commands. */
export function nodeCommands(context: ExplorerCommandContext): CommandSpec[] {
  const on =
    <T extends ExplorerNode>(kinds: T["kind"][], run: (node: T) => unknown) =>
    (node?: unknown) =>
      isNode(node) && (kinds as string[]).includes(node.kind) ? run(node as T) : undefined;
  return [
    { id: ExplorerCommands.loadMore, run: on<MoreNode>(["more"], (n) => context.tree.loadMore(n)) },
    { id: ExplorerCommands.addTag, run: on<RunNode>(["run"], (n) => addTag(context, n)) },
    { id: ExplorerCommands.removeTag, run: on<RunNode>(["run"], (n) => removeTag(context, n)) },
    { id: ExplorerCommands.resume, run: on<RunNode>(["run"], (n) => resume(n)) },
    { id: ExplorerCommands.runFromStep, run: on<StepNode>(["step"], (n) => runFromStep(n)) },
    { id: ExplorerCommands.copyPathspec, run: on(["run", "step", "task", "artifact"], copyPathspec) },
    {
      id: ExplorerCommands.revealInFile,
      run: on<FlowNode | RunNode | StepNode | TaskNode>(["flow", "run", "step", "task"], (n) => reveal(context, n)),
    },
    { id: ExplorerCommands.showInDag, run: on<FlowNode | RunNode>(["flow", "run"], showInDag) },
    { id: ExplorerCommands.compareArtifact, run: on<ArtifactNode>(["artifact"], (n) => compare(context, n)) },
    {
      id: ExplorerCommands.viewArtifact,
      run: on<ArtifactNode>(["artifact"], (n) =>
        vscode.commands.executeCommand(RunViewCommands.viewArtifact, n.target),
      ),
    },
    { id: ExplorerCommands.goToError, run: on<TaskNode>(["task"], goToError) },
    { id: ExplorerCommands.revealOrigin, run: on<RunNode>(["run"], (n) => revealOrigin(context, n)) },
    { id: ExplorerCommands.createExampleFlow, run: () => createExampleFlow() },
  ];
}

async function addTag(context: ExplorerCommandContext, run: RunNode): Promise<void> {
  const tag = await vscode.window.showInputBox({
    title: `Add a tag to ${run.pathspec}`,
    placeHolder: "a tag, e.g. nightly",
    validateInput: (value) =>
      value.trim() === "" ? "A tag cannot be empty." : /[\n\r\t]/.test(value) ? "A tag is one line." : undefined,
  });
  if (tag !== undefined) await changeTag(context, run, "add", tag);
}

async function removeTag(context: ExplorerCommandContext, run: RunNode): Promise<void> {
  if (run.userTags.length === 0) {
    void vscode.window.showInformationMessage(`TSFlow: ${run.pathspec} has no tag of yours to remove.`);
    return;
  }
  const tag = await vscode.window.showQuickPick(run.userTags, { title: `Remove a tag from ${run.pathspec}` });
  if (tag !== undefined) await changeTag(context, run, "remove", tag);
}

/** `tsflow tag add|remove` through the bundled CLI, the one writer of run records. */
async function changeTag(context: ExplorerCommandContext, run: RunNode, action: "add" | "remove", tag: string) {
  const root = context.data.root;
  if (root === undefined) return;
  // `--` ends the options: a tag may start with a dash.
  const args = ["tag", action, run.pathspec, "--datastore-root", root, "--", tag];
  const result = await runCli(context.cli, args);
  if (result.code !== 0) {
    const reason =
      result.stderr
        .trim()
        .split("\n")
        .at(-1)
        ?.replace(/^tsflow: /, "") ?? `exit code ${result.code}`;
    context.log.warn(`tsflow ${args.join(" ")}: ${result.stderr}`);
    void vscode.window.showErrorMessage(`TSFlow: the tag could not be changed: ${reason}`);
  }
  await context.tree.apply([{ flow: run.flow, run: run.runId }]);
}

function runCli(cli: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    // The extension host's own Node: Electron run as Node.
    const child = spawn(process.execPath, [cli, ...args], { env: { ...extensionEnv(), ELECTRON_RUN_AS_NODE: "1" } });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (error) => (stderr += error.message));
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

/** Resume from this run: its failed step, or the step of a step row, with this run as the origin. */
async function resume(run: RunNode): Promise<void> {
  await vscode.commands.executeCommand(Commands.resume, {
    ...target(run.flowFile, run.flow),
    runPathspec: run.pathspec,
  });
}

async function runFromStep(step: StepNode): Promise<void> {
  const run = `${step.flow}/${step.runId}`;
  await vscode.commands.executeCommand(Commands.runFromStep, {
    ...target(step.flowFile, step.flow),
    step: step.step,
    runPathspec: run,
  });
}

async function copyPathspec(node: ExplorerNode): Promise<void> {
  const pathspec =
    node.kind === "artifact" ? `${node.target.task}/${node.target.artifact}` : (node as RunNode | StepNode).pathspec;
  await vscode.env.clipboard.writeText(pathspec);
}

/** Opens the flow file at the flow's class, or at the step of a step or task row. */
async function reveal(context: ExplorerCommandContext, node: FlowNode | RunNode | StepNode | TaskNode) {
  const file = node.kind === "flow" ? node.file : node.flowFile;
  if (!file) return;
  const uri = vscode.Uri.file(file);
  let document: vscode.TextDocument;
  try {
    document = await vscode.workspace.openTextDocument(uri);
  } catch {
    void vscode.window.showErrorMessage(`TSFlow: the flow file ${file} cannot be opened (moved or deleted?).`);
    return;
  }
  const flow = node.kind === "flow" ? node.flow : node.kind === "task" ? node.pathspec.split("/")[0] : node.flow;
  const step = node.kind === "step" || node.kind === "task" ? node.step : undefined;
  const range = (await graphRange(context, uri, flow, step)) ?? textRange(document.getText(), flow, step);
  await vscode.window.showTextDocument(document, { selection: range, preview: true });
}

/** Opens the flow file at the line where a failed task's error was thrown. */
async function goToError(task: TaskNode): Promise<void> {
  const location = task.errorLocation;
  if (!location) {
    void vscode.window.showInformationMessage(`TSFlow: ${task.pathspec} recorded no line for its error.`);
    return;
  }
  const position = new vscode.Position(Math.max(0, location.line - 1), Math.max(0, location.column - 1));
  try {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(location.file));
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
  } catch {
    void vscode.window.showErrorMessage(`TSFlow: ${location.file} cannot be opened (moved or deleted?).`);
  }
}

/** Selects the run a resumed run was resumed from, in its flow's runs. */
async function revealOrigin(context: ExplorerCommandContext, run: RunNode): Promise<void> {
  const origin = run.origin && (await context.data.run(run.flow, run.origin.runId));
  if (!origin) {
    const what = run.origin
      ? `its origin, run ${run.origin.runId}, is not listed (deleted, or filtered out)`
      : "it was not resumed";
    void vscode.window.showInformationMessage(`TSFlow: ${run.pathspec}: ${what}.`);
    return;
  }
  try {
    await context.reveal?.(context.tree.shown(origin));
  } catch (error) {
    context.log.warn(`runs explorer: cannot reveal ${origin.pathspec}: ${errorMessage(error)}`);
    void vscode.window.showInformationMessage(`TSFlow: ${run.pathspec} was resumed from ${origin.pathspec}.`);
  }
}

/** The step's name (or the flow's) as the language server's analysis places it. */
async function graphRange(context: ExplorerCommandContext, uri: vscode.Uri, flow: string, step?: string) {
  try {
    const result = await context.requestGraph?.(uri.toString(), flow);
    const graph = result?.analysis.flows.find((f) => f.graph.name === flow)?.graph;
    const range = step === undefined ? graph?.nameRange : graph?.steps.find((s) => s.name === step)?.nameRange;
    return range && new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
  } catch (error) {
    context.log.warn(`runs explorer: no graph for ${uri.fsPath}: ${errorMessage(error)}`);
    return undefined;
  }
}

function textRange(text: string, flow: string, step?: string): vscode.Range | undefined {
  const line = (step === undefined ? undefined : stepLine(text, step)) ?? classLine(text, flow);
  return line === undefined ? undefined : new vscode.Range(line, 0, line, 0);
}

/** The DAG preview of the flow, showing this run's statuses for a run row. */
async function showInDag(node: FlowNode | RunNode): Promise<void> {
  const file = node.kind === "flow" ? node.file : node.flowFile;
  if (!file) return;
  const arg: CommandTarget = {
    ...target(file, node.flow),
    ...(node.kind === "run" ? { runPathspec: node.pathspec } : {}),
  };
  await vscode.commands.executeCommand(Commands.showDag, arg);
}

/** Quick-picks another run with the same step and artifact, then opens both side by side. */
async function compare(context: ExplorerCommandContext, artifact: ArtifactNode): Promise<void> {
  const candidates = await context.data.compareCandidates(artifact);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(
      `TSFlow: no other run has artifact '${artifact.target.artifact}' in step ${artifact.step}.`,
    );
    return;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((c) => ({ label: c.runId, description: c.description, candidate: c })),
    { title: `Compare ${artifact.target.artifact} of ${artifact.target.task} with…`, matchOnDescription: true },
  );
  if (picked) {
    await vscode.commands.executeCommand(RunViewCommands.compareArtifacts, artifact.target, picked.candidate.target);
  }
}

function target(file: string, flow: string): CommandTarget {
  return { uri: vscode.Uri.file(file).toString(), flow };
}

function isNode(value: unknown): value is ExplorerNode {
  return typeof value === "object" && value !== null && typeof (value as ExplorerNode).key === "string";
}
