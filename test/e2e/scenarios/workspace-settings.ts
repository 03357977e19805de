import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Points the workspace at `settings` (its .vscode/settings.json, which VS Code reads as it changes)
 * and returns what puts it back as it was.
 */
export function useWorkspaceSettings(folder: string, settings: Record<string, unknown>): () => void {
  const dir = join(folder, ".vscode");
  const file = join(dir, "settings.json");
  const before = existsSync(file) ? readFileSync(file, "utf8") : undefined;
  const dirExisted = existsSync(dir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, JSON.stringify(settings, null, 2));
  return () => {
    if (before !== undefined) writeFileSync(file, before);
    else if (dirExisted) rmSync(file);
    else rmSync(dir, { recursive: true });
  };
}
