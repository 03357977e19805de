/**
 * The content provider of the `tsflow:` scheme: artifact documents (read once, kept while open) and
 * log documents (followed while their task runs). A document restored after a reload reads itself
 * again from its URI; one that cannot be read shows why instead of an error page.
 */
import * as vscode from "vscode";
import { errorMessage } from "../error-message";
import type { ArtifactTarget, LogTarget } from "../run-targets";
import { LogTails } from "./log-tail";
import { readArtifact, readLog } from "./read";
import { renderReadError } from "./render";
import { artifactUri, logUri, parseDocumentUri, SCHEME } from "./uri";

/** The `tsflow:` URI of an artifact's document. */
export function artifactDocumentUri(target: ArtifactTarget): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, ...artifactUri(target) });
}

/** The `tsflow:` URI of a log's document. */
export function logDocumentUri(target: LogTarget): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, ...logUri(target) });
}

/** Artifact and log documents: a TextDocumentContentProvider for `tsflow:` that follows live logs. */
export class TsflowDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changes.event;
  private readonly artifacts = new Map<string, string>();
  private readonly tails = new LogTails(readLog);

  provideTextDocumentContent(uri: vscode.Uri): string | Promise<string> {
    const document = parseDocumentUri(uri);
    if (!document) return renderReadError(uri.toString(true), "it is not a TSFlow artifact or log");
    const { kind, target } = document;
    const what = kind === "artifact" ? describeArtifact(target) : describeLog(target);
    const failed = (error: unknown) => renderReadError(what, errorMessage(error));
    if (kind === "log") return this.log(uri, target).catch(failed);
    try {
      return this.artifact(uri, target);
    } catch (error) {
      return failed(error);
    }
  }

  /** Reads an artifact's document now, throwing what the client throws: commands show it. */
  artifact(uri: vscode.Uri, target: ArtifactTarget): string {
    const key = uri.toString();
    let text = this.artifacts.get(key);
    if (text === undefined) {
      text = readArtifact(target);
      this.artifacts.set(key, text);
    }
    return text;
  }

  /** Reads a log's document now and follows it while it is live, throwing what the client throws. */
  log(uri: vscode.Uri, target: LogTarget): Promise<string> {
    return this.tails.open(uri.toString(), target, () => this.changes.fire(uri));
  }

  /** A `tsflow:` document closed: forget its text, stop following its log. */
  closed(uri: vscode.Uri): void {
    this.artifacts.delete(uri.toString());
    this.tails.close(uri.toString());
  }

  dispose(): void {
    this.tails.dispose();
    this.changes.dispose();
  }
}

/** "artifact 'score' of HelloFlow/12/train/3", as messages name it. */
export function describeArtifact(target: ArtifactTarget): string {
  return `artifact '${target.artifact}' of ${target.task}`;
}

/** "the stderr of HelloFlow/12/train/3" */
export function describeLog(target: LogTarget): string {
  return `the ${target.stream} of ${target.task}`;
}
