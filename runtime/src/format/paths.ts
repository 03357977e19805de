import { isAbsolute, relative } from "node:path";

/**
 * A file as a user reads it: relative to `cwd` when it is inside it ("flows/train.ts"), else its
 * absolute path. Runs of one class from two files are told apart by this.
 */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}
