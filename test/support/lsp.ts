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
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type Diagnostic,
  type ProtocolConnection,
  type Registration,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
  CompletionRequest,
  DefinitionRequest,
  HoverRequest,
  MarkupContent,
  type CompletionItem,
  type Hover,
  type Location,
  type Position,
  type Range,
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
  /** Capabilities the server registered dynamically (`client/registerCapability`). */
  readonly registrations: Registration[] = [];
  readonly stderr: string[] = [];
  private readonly diagnosticWaiters: Waiter<PublishDiagnosticsParams>[] = [];
  private readonly graphWaiters: Waiter<FlowGraphResult>[] = [];

  private constructor(
    readonly connection: ProtocolConnection,
    readonly child: ChildProcess,
  ) {
    // Handled from the start: a server registers capabilities as soon as it is initialized.
    connection.onRequest(RegistrationRequest.type, (params) => {
      this.registrations.push(...params.registrations);
    });
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
    options: {
      env?: Record<string, string>;
      initializationOptions?: object;
      workspace?: string;
      capabilities?: ClientCapabilities;
    } = {},
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
      capabilities: options.capabilities ?? {},
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

  /** The diagnostics of `uri` once they satisfy `done`: the latest published, else the next that do. */
  diagnosticsWhere(uri: string, done: (diagnostics: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
    const match = (p: PublishDiagnosticsParams) => p.uri === uri && done(p.diagnostics);
    const latest = this.published.filter((p) => p.uri === uri).slice(-1);
    return this.wait(this.diagnosticWaiters, latest, match).then((p) => p.diagnostics);
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

/**
 * The position of the `|` in `marked`, found in `text` with the `|` taken out: `positionOf(text,
 * 'foreach: "gr|id"')`. The unmarked needle must occur exactly once, so a test cannot silently
 * point at the wrong place.
 */
export function positionOf(text: string, marked: string): Position {
  const cursor = marked.indexOf("|");
  assert.ok(cursor >= 0, `no | in ${JSON.stringify(marked)}`);
  const needle = marked.slice(0, cursor) + marked.slice(cursor + 1);
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `${JSON.stringify(needle)} is not in the text`);
  assert.equal(text.indexOf(needle, offset + 1), -1, `${JSON.stringify(needle)} occurs more than once`);
  const before = text.slice(0, offset + cursor).split("\n");
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** A range on one line, as tests spell them. */
export const lineRange = (line: number, start: number, end: number): Range => ({
  start: { line, character: start },
  end: { line, character: end },
});

/** `textDocument/hover` at a position. */
export function hoverAt(client: LspClient, uri: string, position: Position): Promise<Hover | null> {
  return client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
}

/** The markdown of a hover, or null when there is none. */
export async function hoverTextAt(client: LspClient, uri: string, position: Position): Promise<string | null> {
  const hover = await hoverAt(client, uri, position);
  if (!hover) return null;
  assert.ok(MarkupContent.is(hover.contents), "hovers are markup");
  assert.equal(hover.contents.kind, "markdown");
  return hover.contents.value;
}

/** `textDocument/definition` at a position, as plain locations (the server sends no links). */
export function definitionAt(client: LspClient, uri: string, position: Position): Promise<Location[] | null> {
  return client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position }) as Promise<
    Location[] | null
  >;
}

/** `textDocument/completion` at a position, items sorted as the editor shows them (by sortText, then label). */
export async function completionAt(
  client: LspClient,
  uri: string,
  position: Position,
): Promise<CompletionItem[] | null> {
  const result = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
  if (result === null) return null;
  const items = Array.isArray(result) ? result : result.items;
  const key = (item: CompletionItem) => item.sortText ?? item.label;
  return [...items].sort((a, b) => key(a).localeCompare(key(b)) || a.label.localeCompare(b.label));
}

// Inline flows the hover, definition and completion tests share.

/** A switch whose cases meet in `end`, with a doc comment on `start`. */
export const SWITCH_FLOW = `import { FlowSpec, step } from "tsflow";

export class SwitchFlow extends FlowSpec {
  declare choice: string;
  declare result: number;

  /** Picks a branch. */
  @step start() {
    this.choice = "yes";
    this.next({ yes: this.a, no: this.b }, { condition: "choice" });
  }

  @step a() {
    this.result = 1;
    this.next(this.end);
  }

  @step b() {
    this.result = this.choice.length;
    this.next(this.end);
  }

  @step end() {}
}
`;

/** A static branch whose join reads `inputs.a` and merges all but `y`. */
export const MERGE_FLOW = `import { FlowSpec, step, Inputs } from "tsflow";

export class MergeFlow extends FlowSpec {
  declare x: number;
  declare y: number;

  @step start() {
    this.x = 1;
    this.next(this.a, this.b);
  }

  @step a() {
    this.x = 2;
    this.y = 1;
    this.next(this.join);
  }

  @step b() {
    this.y = 2;
    this.next(this.join);
  }

  @step join(inputs: Inputs<MergeFlow>) {
    this.mergeArtifacts(inputs, { exclude: ["y"] });
    this.x = inputs.a.x + inputs.b.x;
    this.next(this.end);
  }

  @step end() {}
}
`;
