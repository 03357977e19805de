import { fileURLToPath } from "node:url";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { FileAnalysis } from "../../runtime/src/graph/model";

export type Analyzer = (fileName: string, text: string) => FileAnalysis;

/** One document version's analysis; `analysis` is absent for files that define no flow. */
export interface DocumentAnalysis {
  uri: string;
  version: number;
  analysis?: FileAnalysis;
  /** Set when the analyzer threw: what it said. */
  failure?: string;
}

/**
 * The analysis of each open document, keyed by URI and version: computed at most once per version,
 * whichever feature asks first. A file that never mentions FlowSpec costs a substring search.
 */
export class AnalysisCache {
  private readonly entries = new Map<string, DocumentAnalysis>();

  constructor(
    private readonly analyze: Analyzer,
    private readonly log: (message: string) => void,
  ) {}

  get(document: TextDocument): DocumentAnalysis {
    const cached = this.entries.get(document.uri);
    if (cached?.version === document.version) return cached;
    const entry = this.compute(document);
    this.entries.set(document.uri, entry);
    return entry;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }

  private compute(document: TextDocument): DocumentAnalysis {
    const base = { uri: document.uri, version: document.version };
    const text = document.getText();
    if (!text.includes("FlowSpec")) return base;
    try {
      return { ...base, analysis: this.analyze(fileNameOf(document.uri), text) };
    } catch (error) {
      // The analyzer must never take the server down: log it, tell the user, keep serving.
      const message = error instanceof Error ? error.message : String(error);
      this.log(
        `analysis of ${document.uri} (version ${document.version}) failed: ${error instanceof Error ? (error.stack ?? message) : message}`,
      );
      return { ...base, failure: message };
    }
  }
}

/** The file path of a `file:` URI, else the URI itself (an unsaved document). */
export function fileNameOf(uri: string): string {
  return uri.startsWith("file:") ? fileURLToPath(uri) : uri;
}
