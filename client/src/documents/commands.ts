/**
 * The commands that open artifacts and logs as documents and compare two runs' artifacts. Each
 * reads before it opens, so a missing run, a damaged record or a deleted datastore is one message
 * naming the pathspec, never an error page or a stack.
 */
import * as vscode from "vscode";
import type { CommandSpec } from "../commands";
import { readSettings } from "../config";
import { errorMessage } from "../error-message";
import { resolveNamespace } from "../preview/run-overlay";
import { RunViewCommands, type ArtifactTarget, type LogTarget } from "../run-targets";
import { artifactDocumentUri, describeArtifact, describeLog, logDocumentUri, type TsflowDocuments } from "./provider";
import { comparableRuns, type ComparableRun } from "./read";
import { ARTIFACT_LANGUAGE, compareTitle, parseDocumentUri, runOf, SCHEME, stepOf } from "./uri";

/** The commands of artifact and log documents, for `registerCommands`. */
export function documentCommands(documents: TsflowDocuments): CommandSpec[] {
  return [
    { id: RunViewCommands.openArtifact, run: (target?: unknown) => openArtifact(documents, target) },
    { id: RunViewCommands.openLog, run: (target?: unknown) => openLog(documents, target) },
    {
      id: RunViewCommands.compareArtifacts,
      run: (left?: unknown, right?: unknown) => compareArtifacts(documents, left, right),
    },
  ];
}

async function openArtifact(documents: TsflowDocuments, arg: unknown): Promise<void> {
  const target = artifactTarget(arg);
  if (!target) return complain("Open Artifact needs an artifact: open one from the runs view.");
  const uri = artifactDocumentUri(target);
  if (!(await tryRead(describeArtifact(target), () => documents.artifact(uri, target)))) return;
  const document = await vscode.workspace.openTextDocument(uri);
  // The `.js` extension sets the language, unless the user's file associations say otherwise.
  if (document.languageId !== ARTIFACT_LANGUAGE) {
    await vscode.languages.setTextDocumentLanguage(document, ARTIFACT_LANGUAGE);
  }
  await vscode.window.showTextDocument(document, { preview: true });
}

async function openLog(documents: TsflowDocuments, arg: unknown): Promise<void> {
  const target = logTarget(arg);
  if (!target) return complain("Open Log needs a task's log: open one from the runs view.");
  const uri = logDocumentUri(target);
  try {
    await documents.log(uri, target);
  } catch (error) {
    return complain(`cannot open ${describeLog(target)}: ${errorMessage(error)}`);
  }
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
}

/**
 * Opens the diff editor on two runs' values of one artifact. `left` is an ArtifactTarget, or the URI
 * of an artifact document (the editor title's button), or nothing for the active editor's; without
 * `right`, the user picks another run of the flow that has the step and the artifact.
 */
async function compareArtifacts(documents: TsflowDocuments, leftArg: unknown, rightArg: unknown): Promise<void> {
  const left = artifactTarget(leftArg ?? vscode.window.activeTextEditor?.document.uri);
  if (!left) return complain("Compare with Another Run needs an artifact: open one from the runs view first.");
  const right = artifactTarget(rightArg) ?? (await pickOtherRun(left));
  if (!right) return;
  const [leftUri, rightUri] = [artifactDocumentUri(left), artifactDocumentUri(right)];
  // One side after the other: the client reads one datastore at a time.
  if (!(await tryRead(describeArtifact(left), () => documents.artifact(leftUri, left)))) return;
  if (!(await tryRead(describeArtifact(right), () => documents.artifact(rightUri, right)))) return;
  await vscode.commands.executeCommand("vscode.diff", leftUri, rightUri, compareTitle(left, right), { preview: true });
}

async function pickOtherRun(left: ArtifactTarget): Promise<ArtifactTarget | undefined> {
  const setting = readSettings().namespace;
  const ns = resolveNamespace(setting);
  let runs: ComparableRun[];
  try {
    runs = await comparableRuns(left, ns);
  } catch (error) {
    return void complain(`cannot list the runs of ${runOf(left.task).split("/")[0]}: ${errorMessage(error)}`);
  }
  const where = ns === null ? "" : ` in namespace '${ns}' (the tsflow.namespace setting; "*" shows everyone's)`;
  if (runs.length === 0) {
    return void vscode.window.showInformationMessage(
      `TSFlow: no other run of ${runOf(left.task).split("/")[0]}${where} has step '${stepOf(left.task)}' with artifact '${left.artifact}'.`,
    );
  }
  const picked = await vscode.window.showQuickPick(runs.map(pickItem), {
    title: `Compare '${left.artifact}' of ${runOf(left.task)} with another run`,
    placeHolder: `Runs of ${runOf(left.task).split("/")[0]}${ns === null ? "" : ` in ${ns}`}, newest first`,
    matchOnDescription: true,
  });
  return picked?.run.target;
}

const STATUS_ICONS: Record<string, string> = {
  succeeded: "$(pass)",
  failed: "$(error)",
  running: "$(sync~spin)",
  unfinished: "$(circle-slash)",
};

function pickItem(run: ComparableRun): vscode.QuickPickItem & { run: ComparableRun } {
  return {
    label: `${STATUS_ICONS[run.status] ?? ""} ${run.run}`.trim(),
    description: `${run.status} · started ${run.startedAt.toLocaleString()}`,
    detail: run.target.task,
    run,
  };
}

/** Runs a read a command needs before opening; false (and a message naming `what`) when it fails. */
async function tryRead(what: string, read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (error) {
    complain(`cannot open ${what}: ${errorMessage(error)}`);
    return false;
  }
}

function complain(message: string): void {
  void vscode.window.showErrorMessage(`TSFlow: ${message}`);
}

/** An ArtifactTarget as passed, or the target of a `tsflow:` artifact document's URI. */
function artifactTarget(arg: unknown): ArtifactTarget | undefined {
  if (arg instanceof vscode.Uri) {
    const document = arg.scheme === SCHEME ? parseDocumentUri(arg) : undefined;
    return document?.kind === "artifact" ? document.target : undefined;
  }
  const target = arg as Partial<ArtifactTarget> | undefined;
  const ok = typeof target?.datastore === "string" && typeof target.task === "string";
  return ok && typeof target.artifact === "string" ? (target as ArtifactTarget) : undefined;
}

function logTarget(arg: unknown): LogTarget | undefined {
  const target = arg as Partial<LogTarget> | undefined;
  const ok = typeof target?.datastore === "string" && typeof target.task === "string";
  return ok && (target.stream === "stdout" || target.stream === "stderr") ? (target as LogTarget) : undefined;
}
