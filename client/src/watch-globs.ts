/**
 * `globs` and every folder on the way to what they match, for a file watcher. VS Code reports a
 * deleted folder as one event, not one for each file inside, so a watcher that must hear of a
 * deleted run (or flow, or datastore) watches those folders too. Globs are `/`-separated, relative,
 * and without `{}` groups. No `vscode` here, so the patterns are unit-tested.
 */
export function withFolders(globs: readonly string[]): string[] {
  const patterns = new Set<string>();
  for (const glob of globs) {
    const parts = glob.split("/");
    for (let depth = 1; depth <= parts.length; depth++) patterns.add(parts.slice(0, depth).join("/"));
  }
  return [...patterns];
}
