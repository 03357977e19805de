import { DiagnosticSeverity, type Connection, type Diagnostic, type TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { toDiagnostic } from "../convert";
import type { AnalysisCache, DocumentAnalysis } from "../documents";
import { GraphChangedNotification } from "../protocol";

/**
 * How long changes are gathered before analysis. The JSON-RPC layer hands over one message per
 * event-loop turn, so waiting for idle is not enough to see a burst whole; a few milliseconds is,
 * and stays well inside the 20 ms a keystroke may take to show its diagnostics.
 */
const GATHER_MS = 4;

/** Diagnostics that come from elsewhere than the analyzer (the runs), merged into each publication. */
export interface ExtraDiagnostics {
  /** The diagnostics to add to the analyzer's for `uri`. */
  of(uri: string): Diagnostic[];
  /** The analyzer's diagnostics for `uri` were just published. */
  published(uri: string): void;
}

/**
 * Publishes each document's diagnostics, tagged with its version, and tells the client its graph
 * changed. Changes are gathered briefly, so a burst of edits is analyzed once, at its last version:
 * an older version's results are never published after a newer one's. The analyzer's diagnostics
 * and the extra ones (failed tasks of runs) go out together: a publication replaces all of a URI's.
 */
export class DiagnosticsPublisher {
  private readonly pending = new Set<string>();
  private scheduled = false;
  /** Documents whose last analysis had flows: they get one more graph notification when it has none. */
  private readonly withFlows = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly cache: AnalysisCache,
    private readonly extra: ExtraDiagnostics = { of: () => [], published: () => {} },
  ) {}

  /**
   * Publishes `uri`'s diagnostics again, the extra ones having changed; the analysis is the cached
   * one. A document with changes gathered waits for them: they publish both soon.
   */
  republish(uri: string): void {
    const document = this.documents.get(uri);
    if (!document || this.pending.has(uri)) return;
    void this.connection.sendDiagnostics({
      uri,
      version: document.version,
      diagnostics: [...diagnosticsOf(this.cache.get(document)), ...this.extra.of(uri)],
    });
  }

  schedule(uri: string): void {
    this.pending.add(uri);
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => this.flush(), GATHER_MS);
  }

  clear(uri: string): void {
    this.pending.delete(uri);
    this.withFlows.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private flush() {
    this.scheduled = false;
    const uris = [...this.pending];
    this.pending.clear();
    for (const uri of uris) {
      const document = this.documents.get(uri);
      if (document) this.publish(document);
    }
  }

  private publish(document: TextDocument) {
    const entry = this.cache.get(document);
    void this.connection.sendDiagnostics({
      uri: document.uri,
      version: document.version,
      diagnostics: [...diagnosticsOf(entry), ...this.extra.of(document.uri)],
    });
    this.extra.published(document.uri);
    const hasFlows = (entry.analysis?.flows.length ?? 0) > 0;
    if (hasFlows || this.withFlows.has(document.uri)) {
      void this.connection.sendNotification(GraphChangedNotification, {
        uri: document.uri,
        version: document.version,
        analysis: entry.analysis ?? { schemaVersion: 1, file: document.uri, flows: [], diagnostics: [] },
      });
    }
    if (hasFlows) this.withFlows.add(document.uri);
    else this.withFlows.delete(document.uri);
  }
}

export function diagnosticsOf(entry: DocumentAnalysis): Diagnostic[] {
  if (entry.failure !== undefined) {
    return [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: DiagnosticSeverity.Error,
        source: "tsflow",
        code: "analysis-failed",
        message: `TSFlow could not analyze this file (${entry.failure}); the rest of the editor is unaffected. The server's log has the details.`,
      },
    ];
  }
  const analysis = entry.analysis;
  if (!analysis) return [];
  return [
    ...analysis.diagnostics.map((d) => toDiagnostic(entry.uri, d)),
    ...analysis.flows.flatMap((flow) => flow.diagnostics.map((d) => toDiagnostic(entry.uri, d, flow.graph.name))),
  ];
}
