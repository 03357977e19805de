import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** What TypeScript lets `./x.js` name when no such file exists: the source it is compiled from. */
const SOURCE_OF: Record<string, string[]> = {
  ".js": [".ts", ".tsx"],
  ".jsx": [".tsx"],
  ".mjs": [".mts"],
  ".cjs": [".cts"],
};
const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json"];

/**
 * The file a relative import of `importer` names, as TypeScript and Node would find it between
 * them: the exact file, its TypeScript source for a `.js` name, the name with an extension added,
 * or the folder's index. Undefined when there is none.
 */
export function resolveLocalImport(importer: string, specifier: string): string | undefined {
  const base = resolve(dirname(importer), specifier);
  const candidates = [base];
  const extension = /\.[cm]?jsx?$/.exec(base)?.[0];
  if (extension) candidates.unshift(...SOURCE_OF[extension].map((source) => base.slice(0, -extension.length) + source));
  candidates.push(...EXTENSIONS.map((added) => base + added));
  candidates.push(...EXTENSIONS.map((added) => resolve(base, `index${added}`)));
  return candidates.find(isFile);
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}
