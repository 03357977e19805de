import { ts } from "./typescript";
import { checkArtifacts } from "./checks/artifacts";
import { diagnostic, type Check } from "./checks/check";
import { checkDecorators } from "./checks/decorators";
import { checkFundamentals } from "./checks/fundamentals";
import { checkJoinInputs } from "./checks/join-inputs";
import { checkJoins } from "./checks/joins";
import { checkParameters } from "./checks/parameters";
import { checkReachability } from "./checks/reachability";
import { checkTransitions } from "./checks/transitions";
import { extractFlows } from "./extract";
import type { FlowFacts } from "./facts";
import { TsflowBindings } from "./imports";
import { GRAPH_SCHEMA_VERSION, type Diagnostic, type FileAnalysis, type FlowAnalysis } from "./model";
import { SourceText } from "./source";
import { analyzeStructure } from "./structure";

const CHECKS: Check[] = [
  checkFundamentals,
  checkTransitions,
  checkReachability,
  checkJoins,
  checkJoinInputs,
  checkArtifacts,
  checkDecorators,
  checkParameters,
];

/**
 * Analyzes one TypeScript file: the graph and diagnostics of every FlowSpec class in it. Purely
 * syntactic and editor-agnostic; whatever the text holds (syntax errors, half-typed code, no flow
 * at all) comes back as data.
 */
export function analyze(fileName: string, text: string): FileAnalysis {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKind(fileName));
  const source = new SourceText(file);
  const flows = extractFlows(source, new TsflowBindings(file)).map(analyzeFlow);
  return { schemaVersion: GRAPH_SCHEMA_VERSION, file: fileName, flows, diagnostics: syntaxErrors(file, source) };
}

function analyzeFlow(facts: FlowFacts): FlowAnalysis {
  const structure = analyzeStructure(facts);
  const diagnostics = CHECKS.flatMap((check) => check(facts, structure));
  return { graph: facts.graph, diagnostics: diagnostics.sort(byPosition) };
}

/** TypeScript's terse parse errors ("'}' expected."), with what they mean for the flow. */
function syntaxErrors(file: ts.SourceFile, source: SourceText): Diagnostic[] {
  const parsed = (file as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  return parsed.map((d) =>
    diagnostic(
      "syntax-error",
      `${ts.flattenDiagnosticMessageText(d.messageText, "\n")} (the flow's graph and checks may be incomplete until the file parses)`,
      source.range(d.start, d.start + d.length),
    ),
  );
}

function scriptKind(fileName: string): ts.ScriptKind {
  if (fileName.endsWith(".tsx")) return ts.ScriptKind.TSX;
  if (/\.[cm]?js$/.test(fileName)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}
