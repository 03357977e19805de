import { isDeepStrictEqual } from "node:util";
import type { Diagnostic } from "vscode-languageserver";
import { toFailureDiagnostic } from "../convert";
import { fileNameOf } from "../documents";
import { datastoreRootFor } from "../run-status";
import type { ServerContext } from "../server";

/**
 * A diagnostic on the line where each failed task of the flows in a document threw, from the newest
 * run of each step (until the step runs again), beside the analyzer's diagnostics for that
 * document: the publisher merges the two, and this asks it to publish again when runs change.
 * Errors without a location (runs made before the runtime recorded one) get none.
 */
export class RunDiagnostics {
  private readonly byUri = new Map<string, Diagnostic[]>();
  private republish: (uri: string) => void = () => {};

  constructor(private readonly context: ServerContext) {
    context.runs.live.onChanged(() => this.updateAll());
  }

  /** Calls `listener` when a document's run diagnostics changed: they are to be published again. */
  onChange(listener: (uri: string) => void): void {
    this.republish = listener;
  }

  /** The run diagnostics last found for `uri`, for the publisher to merge. */
  of(uri: string): Diagnostic[] {
    return this.byUri.get(uri) ?? [];
  }

  /** The analyzer's diagnostics for `uri` were published: read its runs (a cached read) again. */
  published(uri: string): void {
    void this.update(uri);
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }

  private updateAll() {
    for (const document of this.context.documents.all()) void this.update(document.uri);
  }

  private async update(uri: string): Promise<void> {
    const found = await this.read(uri);
    if (found === undefined || isDeepStrictEqual(found, this.of(uri))) return;
    this.byUri.set(uri, found);
    this.republish(uri);
  }

  /** The failures located in `uri`'s file; undefined when the document has closed meanwhile. */
  private async read(uri: string): Promise<Diagnostic[] | undefined> {
    const { documents, cache, settings, runs } = this.context;
    const document = documents.get(uri);
    const root = datastoreRootFor(uri, settings);
    if (!document) return undefined;
    const flows = cache.get(document).analysis?.flows ?? [];
    if (root === undefined || flows.length === 0) return [];
    const file = fileNameOf(uri);
    const found: Diagnostic[] = [];
    for (const { graph } of flows) {
      // What a failure shows follows runs as they go, lenses shown or not.
      runs.live.shown(root, graph.name, await runs.statuses.latest(root, graph.name, uri), uri);
      const failures = await runs.statuses.failures(
        root,
        graph.name,
        graph.steps.map((s) => s.name),
        uri,
      );
      // The text as it is now, after the reads: the document may have changed meanwhile.
      const lines = document.getText().split(/\r?\n/);
      for (const failure of failures) {
        if (failure.location.file === file) found.push(toFailureDiagnostic(failure, (line) => lines[line] ?? ""));
      }
    }
    return documents.get(uri) ? found : undefined;
  }
}
