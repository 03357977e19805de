import { readFileSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import { analyze, type FileAnalysis, type FlowAnalysis } from "../graph";
import { UsageError } from "./args";
import type { CliIO } from "./io";

export interface LoadedFlowFile {
  /** The path as the user should see it: relative to the working directory when inside it. */
  displayPath: string;
  text: string;
  analysis: FileAnalysis;
  /** The flows the command works on: all of them, or the one `--flow` names. */
  flows: FlowAnalysis[];
}

/** Reads and analyzes FILE; a missing file, a file without a flow or an unknown `--flow` is a usage error. */
export function loadFlowFile(
  command: string,
  file: string | undefined,
  flowName: string | undefined,
  io: CliIO,
): LoadedFlowFile {
  if (!file) throw new UsageError(`${command}: missing FILE: run \`tsflow ${command} FILE\` with a flow file`);
  const path = resolve(io.cwd, file);
  const rel = relative(io.cwd, path);
  const displayPath = rel && !rel.startsWith("..") ? rel : path;
  const text = readText(path, displayPath);
  const analysis = analyze(displayPath, text);
  if (analysis.flows.length === 0) {
    const syntax = analysis.diagnostics[0];
    const why = syntax ? ` (line ${syntax.range.start.line + 1} does not parse: ${syntax.message})` : "";
    throw new UsageError(
      `${displayPath}: no flow found${why}: a flow is a class that extends FlowSpec (import { FlowSpec } from "tsflow")`,
    );
  }
  const flows = flowName === undefined ? analysis.flows : analysis.flows.filter((f) => f.graph.name === flowName);
  if (flows.length === 0) {
    const names = analysis.flows.map((f) => f.graph.name).join(", ");
    throw new UsageError(`${displayPath}: no flow named '${flowName}': the file defines ${names}`);
  }
  return { displayPath, text, analysis, flows };
}

function readText(path: string, displayPath: string): string {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new UsageError(`${displayPath}: no such file`);
  }
  if (!isFile) throw new UsageError(`${displayPath}: not a file`);
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`${displayPath}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}
