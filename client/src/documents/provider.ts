/**
 * The read-only file system of the `tsflow:` scheme: artifact documents (read once, kept while
 * open) and log documents (followed while their task runs). A file system rather than a content
 * provider, so VS Code restores their tabs after a reload (it activates us by `onFileSystem:tsflow`
 * and reads each again from its URI). One that cannot be read shows why instead of an error page.
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

/** What a document shows now, and when that last changed (VS Code reloads a file whose mtime moved). */
interface Shown {
  text: string;
  mtime: number;
}

/** Artifact and log documents: a read-only FileSystemProvider for `tsflow:` that follows live logs. */
export class TsflowDocuments implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;
  private readonly artifacts = new Map<string, string>();
  private readonly tails = new LogTails(readLog);
  /** When each log's text last changed while it was followed. */
  private readonly logChanged = new Map<string, number>();
  private readonly opened = Date.now();

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const { text, mtime } = await this.shown(uri);
    return { type: vscode.FileType.File, ctime: this.opened, mtime, size: Buffer.byteLength(text) };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return Buffer.from((await this.shown(uri)).text);
  }

  /** Changes come from the log tails, not from watching: nothing to set up. */
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => {});
  }

  readDirectory(): never {
    throw vscode.FileSystemError.FileNotADirectory("TSFlow documents are artifacts and logs, not folders");
  }

  createDirectory(uri: vscode.Uri): never {
    throw readOnly(uri);
  }

  writeFile(uri: vscode.Uri): never {
    throw readOnly(uri);
  }

  delete(uri: vscode.Uri): never {
    throw readOnly(uri);
  }

  rename(uri: vscode.Uri): never {
    throw readOnly(uri);
  }

  /**
   * The document's text, or a text that says why it cannot be read. A URI that names no artifact or
   * log (a breadcrumb's parent folder, a hand-typed one) is not found.
   */
  private async shown(uri: vscode.Uri): Promise<Shown> {
    const document = parseDocumentUri(uri);
    if (!document) throw vscode.FileSystemError.FileNotFound(uri);
    const { kind, target } = document;
    const what = kind === "artifact" ? describeArtifact(target) : describeLog(target);
    try {
      const text = kind === "log" ? await this.log(uri, target) : await this.artifact(uri, target);
      return { text, mtime: this.logChanged.get(uri.toString()) ?? this.opened };
    } catch (error) {
      return { text: renderReadError(what, errorMessage(error)), mtime: this.opened };
    }
  }

  /** Reads an artifact's document now, throwing what the client throws: commands show it. */
  async artifact(uri: vscode.Uri, target: ArtifactTarget): Promise<string> {
    const key = uri.toString();
    let text = this.artifacts.get(key);
    if (text === undefined) {
      text = await readArtifact(target);
      this.artifacts.set(key, text);
    }
    return text;
  }

  /** Reads a log's document now and follows it while it is live, throwing what the client throws. */
  log(uri: vscode.Uri, target: LogTarget): Promise<string> {
    return this.tails.open(uri.toString(), target, () => {
      this.logChanged.set(uri.toString(), Date.now());
      this.changes.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    });
  }

  /** A `tsflow:` document closed: forget its text, stop following its log. */
  closed(uri: vscode.Uri): void {
    this.artifacts.delete(uri.toString());
    this.tails.close(uri.toString());
    this.logChanged.delete(uri.toString());
  }

  dispose(): void {
    this.tails.dispose();
    this.changes.dispose();
  }
}

function readOnly(uri: vscode.Uri): vscode.FileSystemError {
  return vscode.FileSystemError.NoPermissions(`${uri.path}: TSFlow's artifacts and logs are read-only`);
}

/** "artifact 'score' of HelloFlow/12/train/3", as messages name it. */
export function describeArtifact(target: ArtifactTarget): string {
  return `artifact '${target.artifact}' of ${target.task}`;
}

/** "the stderr of HelloFlow/12/train/3" */
export function describeLog(target: LogTarget): string {
  const attempt = target.attempt === undefined ? "" : ` (attempt ${target.attempt})`;
  return `the ${target.stream} of ${target.task}${attempt}`;
}
