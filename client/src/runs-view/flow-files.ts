/**
 * The files each flow class was seen in (workspace files, runs listed), so run rows of a class that
 * lives in several files can say which one they came from, and say it the same way whether the row
 * came from a listing or from a live update.
 */
export class FlowFiles {
  private readonly byFlow = new Map<string, Set<string>>();

  note(flow: string, file: string): void {
    const files = this.byFlow.get(flow) ?? new Set<string>();
    files.add(file);
    this.byFlow.set(flow, files);
  }

  /** Whether `flow` was seen in more than one file. */
  several(flow: string): boolean {
    return (this.byFlow.get(flow)?.size ?? 0) > 1;
  }
}
