import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import * as vscode from "vscode";
import { formatDuration } from "../../runtime/src/format/duration";
import { datastoreEnv, describeLocation } from "../../runtime/src/config";
import { extensionEnv } from "./cluster-env";
import { datastoreLocation, readSettings } from "./config";
import { PlacementBook } from "./placements";
import { EventReader, logLines, progressText, type RunEvent } from "./run-events";

/** A `tsflow run` or `tsflow resume` to start: the CLI arguments after the node and script. */
export interface LaunchRequest {
  /** The flow file, for the working folder and the settings' scope. */
  file: vscode.Uri;
  args: string[];
  /** The notification's title: "Running ChurnFlow". */
  title: string;
}

export interface LaunchResult {
  code: number | null;
  /** The datastore the run was kept in. */
  datastore: string;
  finished?: Extract<RunEvent, { event: "run-finished" }>;
  stderr: string;
}

/**
 * Runs flows the way a terminal would: the bundled CLI as a child process (user code never runs in
 * the extension host), followed through its `--json` events. Progress shows in a notification whose
 * Cancel stops the run and its workers; task output streams to the "TSFlow Runs" channel.
 */
export class RunLauncher implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string>();
  /**
   * Fires with a flow's name when a run launched here starts, progresses or ends: the previews read
   * the run at once rather than wait for a file watcher, which may start after a short run is over.
   */
  readonly onDidChangeRun = this.changed.event;
  /** Where the remote tasks of the runs launched here stand: the views read it while they run. */
  readonly placements = new PlacementBook();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.OutputChannel,
  ) {}

  launch(request: LaunchRequest): Thenable<LaunchResult> {
    const settings = readSettings(request.file);
    const folder = vscode.workspace.getWorkspaceFolder(request.file)?.uri.fsPath ?? dirname(request.file.fsPath);
    const location = datastoreLocation(settings) ?? {
      kind: "local",
      path: join(dirname(request.file.fsPath), ".tsflow"),
    };
    const datastore = describeLocation(location);
    const args = [this.context.asAbsolutePath("dist/cli.js"), ...request.args, "--json", "--datastore-root", datastore];
    if (settings.maxWorkers > 0) args.push("--max-workers", String(settings.maxWorkers));
    // The extension host's own Node (Electron run as Node) unless a Node.js is configured.
    const node = settings.nodePath || process.execPath;
    this.output.appendLine(`$ tsflow ${request.args.join(" ")}`);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: request.title, cancellable: true },
      (progress, token) => {
        const child = spawn(node, args, {
          cwd: folder,
          env: { ...extensionEnv(), ...datastoreEnv(location), ELECTRON_RUN_AS_NODE: "1" },
        });
        token.onCancellationRequested(() => child.kill("SIGINT"));
        const reader = new EventReader();
        const result: LaunchResult = { code: null, datastore, stderr: "" };
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
          for (const event of reader.push(chunk)) this.follow(event, progress, result);
        });
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
          result.stderr += chunk;
          this.output.append(chunk);
        });
        return new Promise<LaunchResult>((resolve) => {
          child.on("error", (error) => {
            result.stderr += error.message;
            this.output.appendLine(`could not start ${node}: ${error.message}`);
          });
          child.on("close", (code) => resolve({ ...result, code }));
        });
      },
    );
  }

  private follow(event: RunEvent, progress: vscode.Progress<{ message?: string }>, result: LaunchResult) {
    const placed = this.placements.apply(event);
    if (placed || event.event === "run-started" || event.event === "progress" || event.event === "run-finished") {
      this.changed.fire(event.pathspec.split("/")[0]);
    }
    switch (event.event) {
      case "run-started":
        this.output.appendLine(`Run ${event.pathspec} started`);
        break;
      case "progress":
        progress.report({ message: progressText(event.steps) });
        break;
      case "log":
        this.output.appendLine(logLines(event.pathspec, event.text));
        break;
      case "task-placed":
        this.output.appendLine(
          `${event.pathspec} ${event.state} on ${event.executor}${event.where ? ` (${event.where})` : ""}`,
        );
        break;
      case "task-failed":
        this.output.appendLine(
          `${event.pathspec} failed${event.willRetry ? ", retrying" : ""}: ${event.error.type}: ${event.error.message}`,
        );
        break;
      case "run-finished":
        result.finished = event;
        this.output.appendLine(`Run ${event.pathspec} ${event.status} in ${formatDuration(event.durationMs)}`);
        break;
      default:
        break;
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
