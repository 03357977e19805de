import { homedir } from "node:os";
import { isAbsolute, posix, win32 } from "node:path";

/**
 * The folder for TSFlow's caches on this machine (compiled flows, analyses, V8's code cache):
 * TSFLOW_CACHE_DIR when set, else the platform's place for a user's caches, each with a `tsflow`
 * folder: `$XDG_CACHE_HOME` or `~/.cache` on Linux and other Unixes, `~/Library/Caches` on macOS,
 * `%LOCALAPPDATA%` on Windows. Everything in it is safe to delete.
 */
export function userCacheDir(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.TSFLOW_CACHE_DIR) return env.TSFLOW_CACHE_DIR;
  if (platform === "win32") return win32.join(env.LOCALAPPDATA || win32.join(home, "AppData", "Local"), "tsflow");
  if (platform === "darwin") return posix.join(home, "Library", "Caches", "tsflow");
  // The XDG spec has a relative XDG_CACHE_HOME ignored: it would put caches in the working folder.
  const xdg = env.XDG_CACHE_HOME;
  return posix.join(xdg && isAbsolute(xdg) ? xdg : posix.join(home, ".cache"), "tsflow");
}
