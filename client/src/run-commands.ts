import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { formatDuration } from "../../runtime/src/format/duration";
import type { FlowGraph } from "../../runtime/src/graph/model";
import { FlowGraphRequest, type CommandTarget } from "../../server/src/protocol";
import type { CommandSpec } from "./commands";
import { placeGiven, runPlaces, type RunPlace } from "./cluster-env";
import { offeredFor, readSettings } from "./config";
import { askParameters } from "./parameters-input";
import { failedTaskLog } from "./run-events";
import type { LaunchResult, RunLauncher } from "./run-launcher";
import { RunViewCommands, type LogTarget } from "./run-targets";

/** Run, Resume and Run from here: the commands behind the server's code lenses and the palette. */
export function runCommands(
  client: LanguageClient,
  launcher: RunLauncher,
  output: vscode.OutputChannel,
): CommandSpec[] {
  const start = async (target: CommandTarget | undefined, kind: "run" | "resume" | "from") => {
    if (!trusted()) return;
    const flow = await flowFor(client, target);
    if (!flow) return;
    let args: string[];
    let where: string;
    if (kind === "run") {
      const settings = readSettings(flow.uri);
      const place = placeGiven(settings.runArgs) ? runPlaces([])[0] : await pickPlace(flow.graph.name, flow.uri);
      if (!place) return;
      where = place.suffix;
      const flags =
        settings.runArgs.length > 0 || flow.graph.parameters.length === 0
          ? settings.runArgs
          : await askParameters(`${flow.graph.name}${where}`, flow.graph.parameters);
      if (!flags) return;
      args = ["run", flow.uri.fsPath, "--flow", flow.graph.name, ...place.args, ...flags];
    } else {
      const step = kind === "from" ? (target?.step ?? (await pickStep(flow.graph))) : undefined;
      if (kind === "from" && !step) return;
      // Resume takes --with as run does: the steps it runs again go where the user says now.
      const place = await pickPlace(flow.graph.name, flow.uri);
      if (!place) return;
      where = place.suffix;
      const origin = target?.runPathspec?.split("/")[1];
      args = ["resume", flow.uri.fsPath, ...(step ? [step] : []), "--flow", flow.graph.name, ...place.args];
      if (origin) args.push("--origin-run-id", origin);
    }
    const title =
      kind === "run"
        ? `Running ${flow.graph.name}${where}`
        : kind === "resume"
          ? `Resuming ${flow.graph.name}${where}`
          : `Running ${flow.graph.name} from ${args[2]}${where}`;
    report(await launcher.launch({ file: flow.uri, args, title }), output);
  };
  return [
    { id: "tsflow.run", run: (target?: unknown) => start(target as CommandTarget | undefined, "run") },
    { id: "tsflow.resume", run: (target?: unknown) => start(target as CommandTarget | undefined, "resume") },
    { id: "tsflow.runFromStep", run: (target?: unknown) => start(target as CommandTarget | undefined, "from") },
  ];
}

/** Running a flow runs its code: only in a trusted workspace. */
function trusted(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage(
      "TSFlow: running a flow runs its code, so flows run only in a trusted workspace. Analysis works here as usual.",
      "Manage Workspace Trust",
    )
    .then((choice) => choice && vscode.commands.executeCommand("workbench.trust.manage"));
  return false;
}

/** The flow a command is about: the lens's target, else the active editor's flow (asking when it has several). */
async function flowFor(
  client: LanguageClient,
  target: CommandTarget | undefined,
): Promise<{ uri: vscode.Uri; graph: FlowGraph } | undefined> {
  const uri = target?.uri ? vscode.Uri.parse(target.uri) : vscode.window.activeTextEditor?.document.uri;
  if (!uri) {
    void vscode.window.showErrorMessage("TSFlow: open a flow file first.");
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument(uri);
  if (document.isDirty) await document.save();
  const answer = await client.sendRequest(FlowGraphRequest, { textDocument: { uri: uri.toString() } });
  const flows = answer?.analysis.flows ?? [];
  const chosen = target?.flow
    ? flows.find((f) => f.graph.name === target.flow)
    : flows.length === 1
      ? flows[0]
      : await pickFlow(flows.map((f) => f.graph.name)).then((name) => flows.find((f) => f.graph.name === name));
  if (!chosen) {
    if (flows.length === 0)
      void vscode.window.showErrorMessage(`TSFlow: ${vscode.workspace.asRelativePath(uri)} defines no flow.`);
    return undefined;
  }
  const errors = chosen.diagnostics.filter((d) => d.severity === "error").length;
  if (errors > 0) {
    void vscode.window
      .showErrorMessage(
        `TSFlow: ${chosen.graph.name} has ${errors} error${errors === 1 ? "" : "s"}; fix ${errors === 1 ? "it" : "them"} before running.`,
        "Show Problems",
      )
      .then((choice) => choice && vscode.commands.executeCommand("workbench.actions.view.problems"));
    return undefined;
  }
  return { uri, graph: chosen.graph };
}

/**
 * Where to run, when a cluster is configured (cluster-env.ts): locally or on one of the engines
 * offered. Without a cluster nobody is asked; undefined when the user cancels.
 */
async function pickPlace(flow: string, file: vscode.Uri): Promise<RunPlace | undefined> {
  const places = runPlaces(offeredFor(file));
  if (places.length === 1) return places[0];
  const picked = await vscode.window.showQuickPick(
    places.map((place) => ({ ...place, place })),
    { title: `Run ${flow}: where?`, placeHolder: "Where the flow's steps run", ignoreFocusOut: true },
  );
  return picked?.place;
}

async function pickFlow(names: string[]): Promise<string | undefined> {
  return names.length === 0 ? undefined : vscode.window.showQuickPick(names, { title: "TSFlow: which flow?" });
}

async function pickStep(graph: FlowGraph): Promise<string | undefined> {
  return vscode.window.showQuickPick(
    graph.steps.map((s) => s.name),
    { title: `Run ${graph.name} again from which step?` },
  );
}

/**
 * Opens the failed task's stderr log as its `tsflow:` document: the log the runs explorer opens,
 * which reads the datastore again after a reload and follows a task still being written.
 */
async function showTaskLogs(log: LogTarget) {
  await vscode.commands.executeCommand(RunViewCommands.openLog, log);
}

/** Tells how the run ended, with a way to its output. */
function report(result: LaunchResult, output: vscode.OutputChannel) {
  const show = (choice: string | undefined) => choice && output.show(true);
  const finished = result.finished;
  if (finished?.status === "succeeded") {
    void vscode.window
      .showInformationMessage(
        `TSFlow: run ${finished.pathspec} succeeded in ${formatDuration(finished.durationMs)}.`,
        "Show Output",
      )
      .then(show);
  } else if (finished) {
    const error = finished.error;
    const where = error?.step ? ` in step \`${error.step}\`` : "";
    const log = failedTaskLog(finished, result.datastore);
    void vscode.window
      .showErrorMessage(
        `TSFlow: run ${finished.pathspec} failed${where}: ${error?.message ?? "see the output"}`,
        ...(log ? ["Show Logs"] : []),
        "Show Output",
      )
      .then((choice) => (choice === "Show Logs" && log ? showTaskLogs(log) : show(choice)));
  } else {
    const reason = result.stderr.trim().split("\n").at(-1) ?? `exit code ${result.code}`;
    void vscode.window
      .showErrorMessage(`TSFlow: the run did not start: ${reason.replace(/^tsflow: /, "")}`, "Show Output")
      .then(show);
  }
}
