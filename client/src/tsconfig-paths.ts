import { applyEdits, modify, parse } from "jsonc-parser";
import { tsconfig, TYPES_PATHS } from "../../runtime/src/project/init-files";

/** Whether a TypeScript diagnostic says it cannot find "tsflow" or "tsflow/client" (its error 2307). */
export function isMissingTsflowModule(code: unknown, message: string): boolean {
  return code === 2307 && Object.keys(TYPES_PATHS).some((module) => message.includes(`'${module}'`));
}

/**
 * The tsconfig.json text with "tsflow" and "tsflow/client" mapped to their declarations in
 * `compilerOptions.paths`. An existing file keeps its comments, order and formatting; a missing
 * one becomes `tsflow init`'s.
 */
export function withTsflowPath(existing: string | undefined): string {
  if (existing === undefined || existing.trim() === "") return tsconfig();
  const errors: Parameters<typeof parse>[1] = [];
  parse(existing, errors, { allowTrailingComma: true });
  if (errors.length > 0)
    throw new Error("tsconfig.json is not valid JSON with comments: fix it, then set up the types again");
  const indent = /\n([ \t]+)"/.exec(existing)?.[1] ?? "  ";
  const formattingOptions = {
    insertSpaces: !indent.startsWith("\t"),
    tabSize: indent.startsWith("\t") ? 1 : indent.length,
    eol: existing.includes("\r\n") ? "\r\n" : "\n",
  };
  let text = existing;
  for (const [module, path] of Object.entries(TYPES_PATHS)) {
    text = applyEdits(text, modify(text, ["compilerOptions", "paths", module], [path], { formattingOptions }));
  }
  return text;
}
