import type { Connection, TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { AnalysisCache } from "../documents";
import { FlowGraphRequest, type FlowGraphResult } from "../protocol";

/** `tsflow/flowGraph`: the current analysis of an open document, for the DAG preview. */
export function registerGraph(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  cache: AnalysisCache,
): void {
  connection.onRequest(FlowGraphRequest, (params): FlowGraphResult | null => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return null;
    const entry = cache.get(document);
    const analysis = entry.analysis ?? { schemaVersion: 1 as const, file: document.uri, flows: [], diagnostics: [] };
    const flows =
      params.flow === undefined ? analysis.flows : analysis.flows.filter((f) => f.graph.name === params.flow);
    return { uri: document.uri, version: document.version, analysis: { ...analysis, flows } };
  });
}
