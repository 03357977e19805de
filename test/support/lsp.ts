import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from "vscode-languageserver-protocol/node";
import { GraphChangedNotification, type FlowGraphResult } from "../../server/src/protocol";

export const SERVER = join(__dirname, "..", "..", "dist", "server.js");

/** A diagnostic's message as text (LSP 3.18 also allows markup). */
export const messageOf = (d: Diagnostic): string => (typeof d.message === "string" ? d.message : d.message.value);

/** A file URI for a name, as an editor would send it (the file need not exist). */
export const uriOf = (name: string) => pathToFileURL(join("/tmp/tsflow-lsp-test", name)).toString();

type Waiter<T> = { match: (value: T) => boolean; resolve: (value: T) => void };

/**
 * A real LSP client driving the bundled server over stdio. Tests wait for the message that proves
 * a state (diagnostics for that URI and version), never for time to pass.
 */
export class LspClient {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly graphs: FlowGraphResult[] = [];
  readonly stderr: string[] = [];
  private readonly diagnosticWaiters: Waiter<PublishDiagnosticsParams>[] = [];
  private readonly graphWaiters: Waiter<FlowGraphResult>[] = [];

  private constructor(
    readonly connection: ProtocolConnection,
    readonly child: ChildProcess,
  ) {
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.push(params);
      this.settle(this.diagnosticWaiters, params);
    });
    connection.onNotification(GraphChangedNotification, (params) => {
      this.graphs.push(params);
      this.settle(this.graphWaiters, params);
    });
  }

  /** Starts the server and completes the initialize handshake. */
  static async start(
    t: { after(fn: () => Promise<void> | void): void },
    options: { env?: Record<string, string>; initializationOptions?: object; workspace?: string } = {},
  ): Promise<LspClient> {
    assert.ok(existsSync(SERVER), `${SERVER} is missing: run \`npm run build\` first`);
    const child = spawn(process.execPath, [SERVER, "--stdio"], {
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout),
      new StreamMessageWriter(child.stdin),
    );
    const client = new LspClient(connection, child);
    child.stderr.on("data", (chunk: Buffer) => client.stderr.push(chunk.toString()));
    connection.listen();
    t.after(() => client.stop());
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      workspaceFolders: options.workspace ? [{ uri: pathToFileURL(options.workspace).toString(), name: "ws" }] : null,
      initializationOptions: options.initializationOptions,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  async open(uri: string, text: string, version = 1): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: "typescript", version, text },
    });
  }

  /** Replaces the whole text, or applies ranged edits. */
  async change(uri: string, version: number, change: string | TextDocumentContentChangeEvent[]): Promise<void> {
    const contentChanges = typeof change === "string" ? [{ text: change }] : change;
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges,
    });
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** The diagnostics published for `uri` at `version` (or the next ones, for an unversioned clear). */
  diagnostics(uri: string, version?: number): Promise<Diagnostic[]> {
    const match = (p: PublishDiagnosticsParams) => p.uri === uri && (version === undefined || p.version === version);
    return this.wait(this.diagnosticWaiters, this.published, match).then((p) => p.diagnostics);
  }

  graph(uri: string, version: number): Promise<FlowGraphResult> {
    return this.wait(this.graphWaiters, this.graphs, (g) => g.uri === uri && g.version === version);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      this.child.kill();
    }
    await exited;
    this.connection.dispose();
  }

  private wait<T>(waiters: Waiter<T>[], seen: T[], match: (value: T) => boolean): Promise<T> {
    const found = seen.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => waiters.push({ match, resolve }));
  }

  private settle<T>(waiters: Waiter<T>[], value: T) {
    for (const waiter of [...waiters]) {
      if (waiter.match(value)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(value);
      }
    }
  }
}
