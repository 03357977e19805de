import { realpathSync } from "node:fs";
import { normalize } from "node:path";

/**
 * Whether two absolute paths name one flow file: runs of one class from two files are two flows,
 * told apart by this wherever runs are picked (resume's origin, the client's `runs({ flowFile })`,
 * and so the lenses, the preview and the explorer). Paths compare as the OS names them
 * (normalized, without case on Windows), then through symlinks when they differ.
 */
export function sameFlowFile(a: string, b: string): boolean {
  if (typeof a !== "string") return false;
  const norm = (p: string) => (process.platform === "win32" ? normalize(p).toLowerCase() : normalize(p));
  if (norm(a) === norm(b)) return true;
  const realA = real(a);
  return realA !== undefined && realA === real(b);
}

function real(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
