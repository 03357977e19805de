import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import ts from "typescript";

/** Type-checks a project as an editor (or `tsc --noEmit -p`) would, from its own tsconfig.json. */
export function typeErrors(project: string): string[] {
  const configPath = join(project, "tsconfig.json");
  const config = ts.readConfigFile(configPath, (path) => readFileSync(path, "utf8"));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(configPath));
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const problems = [...parsed.errors, ...ts.getPreEmitDiagnostics(program)];
  return problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}
