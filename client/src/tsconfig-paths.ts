import { applyEdits, modify, parse } from "jsonc-parser";
import { tsconfig } from "../../runtime/src/project/init-files";

/** Where the workspace keeps the `tsflow` declarations, as `tsflow init` writes them. */
export const TYPES_PATH = "./types/tsflow/index.d.ts";

/**
 * The tsconfig.json text with "tsflow" mapped to the declarations in `compilerOptions.paths`. An
 * existing file keeps its comments, order and formatting; a missing one becomes `tsflow init`'s.
 */
export function withTsflowPath(existing: string | undefined): string {
  if (existing === undefined || existing.trim() === "") return tsconfig();
  const errors: Parameters<typeof parse>[1] = [];
  parse(existing, errors, { allowTrailingComma: true });
  if (errors.length > 0)
    throw new Error("tsconfig.json is not valid JSON with comments: fix it, then set up the types again");
  const indent = /\n([ \t]+)"/.exec(existing)?.[1] ?? "  ";
  const edits = modify(existing, ["compilerOptions", "paths", "tsflow"], [TYPES_PATH], {
    formattingOptions: {
      insertSpaces: !indent.startsWith("\t"),
      tabSize: indent.startsWith("\t") ? 1 : indent.length,
      eol: existing.includes("\r\n") ? "\r\n" : "\n",
    },
  });
  return applyEdits(existing, edits);
}
