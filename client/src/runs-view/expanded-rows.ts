/**
 * Which explorer rows the user left open, kept in the workspace's state so a window reload (or the
 * next session) opens the tree as it was. VS Code keeps a tree's expansion only while the window
 * lives. No `vscode` import: the state is anything with `get` and `update`, as a Memento has.
 */

/** The part of a vscode.Memento this needs. */
export interface KeyValueState {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

/** Where the keys are kept in the workspace state. */
const STATE_KEY = "tsflow.explorer.expanded";
/** Rows remembered at most: the oldest opened are forgotten first (deleted runs leave keys behind). */
export const MAX_REMEMBERED = 300;

export class ExpandedRows {
  /** Row keys in the order they were opened (a Set keeps insertion order), the most recent last. */
  private readonly keys: Set<string>;

  constructor(private readonly state: KeyValueState) {
    const saved = state.get<unknown>(STATE_KEY);
    this.keys = new Set(Array.isArray(saved) ? saved.filter((key): key is string => typeof key === "string") : []);
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  expanded(key: string): void {
    this.keys.delete(key);
    this.keys.add(key);
    for (const oldest of this.keys) {
      if (this.keys.size <= MAX_REMEMBERED) break;
      this.keys.delete(oldest);
    }
    this.save();
  }

  collapsed(key: string): void {
    if (this.keys.delete(key)) this.save();
  }

  private save(): void {
    void this.state.update(STATE_KEY, [...this.keys]);
  }
}
