import {
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type InitializeResult,
  type ServerCapabilities,
} from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { analyze } from "../../runtime/src/graph/analyze";
import { AnalysisCache, type Analyzer } from "./documents";
import { DiagnosticsPublisher } from "./features/diagnostics";
import { RunDiagnostics } from "./features/run-diagnostics";
import { runWatchFeature } from "./features/run-watch";
import { LiveRuns } from "./live-runs";
import { RunStatusReader } from "./run-status";
import { codeActionsFeature } from "./features/code-actions";
import { codeLensFeature } from "./features/code-lens";
import { completionFeature } from "./features/completion";
import { definitionFeature } from "./features/definition";
import { registerGraph } from "./features/graph";
import { hoverFeature } from "./features/hover";
import { symbolsFeature } from "./features/symbols";
import type { ServerSettings } from "./protocol";

/** What every feature gets: the open documents, their analyses, and the client's settings. */
export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  cache: AnalysisCache;
  settings: ServerSettings & { workspaceRoot?: string };
  /** What the client said it can do, at initialize. */
  client: ClientCapabilities;
  /** The runs of the flows shown: read (and cached) by `statuses`, followed as they go by `live`. */
  runs: { statuses: RunStatusReader; live: LiveRuns };
}

/** One editor feature: the capabilities it announces and the handlers it registers. */
export interface Feature {
  capabilities: ServerCapabilities;
  register(context: ServerContext): void;
  /** Once the client has initialized: when a feature may register capabilities dynamically. */
  initialized?(context: ServerContext): void;
}

const FEATURES: Feature[] = [
  hoverFeature,
  definitionFeature,
  completionFeature,
  codeActionsFeature,
  codeLensFeature,
  symbolsFeature,
  runWatchFeature,
];

/**
 * Wires the server: capabilities, document sync and one handler per feature. `analyzer` replaces
 * the analyzer (tests inject faults through TSFLOW_SERVER_FAULT instead, over the real process).
 */
export function startServer(
  connection: Connection,
  analyzer: Analyzer = withFaultInjection(analyze, process.env.TSFLOW_SERVER_FAULT),
): void {
  const documents = new TextDocuments(TextDocument);
  const cache = new AnalysisCache(analyzer, (message) => connection.console.error(message));
  const statuses = new RunStatusReader((message) => connection.console.warn(message));
  const runs = { statuses, live: new LiveRuns(statuses) };
  const context: ServerContext = { connection, documents, cache, settings: {}, client: {}, runs };
  // The failed tasks' diagnostics and the analyzer's are published together (see RunDiagnostics).
  const runDiagnostics = new RunDiagnostics(context);
  const diagnostics = new DiagnosticsPublisher(connection, documents, cache, runDiagnostics);
  runDiagnostics.onChange((uri) => diagnostics.republish(uri));

  connection.onInitialize((params): InitializeResult => {
    context.settings = {
      ...(params.initializationOptions as ServerSettings | undefined),
      workspaceRoot: params.workspaceFolders?.[0]?.uri,
    };
    context.client = params.capabilities;
    return {
      capabilities: Object.assign(
        { textDocumentSync: TextDocumentSyncKind.Incremental },
        ...FEATURES.map((f) => f.capabilities),
      ) as ServerCapabilities,
      serverInfo: { name: "tsflow-language-server" },
    };
  });
  connection.onInitialized(() => {
    for (const feature of FEATURES) feature.initialized?.(context);
  });
  connection.onDidChangeConfiguration((change) => {
    const settings = (change.settings as { tsflow?: ServerSettings } | undefined)?.tsflow;
    if (settings) context.settings = { ...context.settings, ...settings };
  });
  documents.onDidChangeContent((change) => diagnostics.schedule(change.document.uri));
  documents.onDidClose((event) => {
    cache.delete(event.document.uri);
    runDiagnostics.forget(event.document.uri);
    diagnostics.clear(event.document.uri);
  });
  registerGraph(connection, documents, cache);
  for (const feature of FEATURES) feature.register(context);

  documents.listen(connection);
  connection.listen();
}

/** For tests of crash resilience: an analyzer that throws on any text containing `marker`. */
function withFaultInjection(analyzer: Analyzer, marker: string | undefined): Analyzer {
  if (!marker) return analyzer;
  return (fileName, text) => {
    if (text.includes(marker)) throw new Error(`injected fault (${marker})`);
    return analyzer(fileName, text);
  };
}
