import type { DocumentSymbol } from "vscode-languageserver";
import { toFlowSymbol } from "../convert";
import type { Feature, ServerContext } from "../server";

/**
 * Document symbols for the outline and breadcrumbs: each flow (a class) with its parameters and
 * steps. The TypeScript extension lists the same classes; the label tells the two trees apart, and
 * ours adds what TypeScript cannot know: which methods are steps and where they lead.
 */
export const symbolsFeature: Feature = {
  capabilities: { documentSymbolProvider: { label: "TSFlow" } },
  register(context) {
    context.connection.onDocumentSymbol((params) => flowSymbols(context, params.textDocument.uri));
  },
};

/** The symbols of an open document's flows; null for a document the server does not have. */
function flowSymbols({ documents, cache }: ServerContext, uri: string): DocumentSymbol[] | null {
  const document = documents.get(uri);
  if (!document) return null;
  const flows = cache.get(document).analysis?.flows ?? [];
  return flows.map((flow) => toFlowSymbol(flow.graph));
}
