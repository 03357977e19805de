/** The only place where the analyzer's data becomes LSP types. */
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type Position, type Range } from "vscode-languageserver";
import type { Diagnostic, Severity, SourcePosition, SourceRange } from "../../runtime/src/graph/model";

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function toRange(range: SourceRange): Range {
  return { start: toPosition(range.start), end: toPosition(range.end) };
}

export function toPosition(position: SourcePosition): Position {
  return { line: position.line, character: position.character };
}

/** What a diagnostic carries for quick fixes: its step and the analyzer's suggestion. */
export interface DiagnosticData {
  flow?: string;
  step?: string;
  suggestion?: string;
}

export function toDiagnostic(uri: string, diagnostic: Diagnostic, flow?: string): LspDiagnostic {
  const data: DiagnosticData = {
    ...(flow ? { flow } : {}),
    ...(diagnostic.step ? { step: diagnostic.step } : {}),
    ...(diagnostic.suggestion ? { suggestion: diagnostic.suggestion } : {}),
  };
  return {
    range: toRange(diagnostic.range),
    severity: SEVERITY[diagnostic.severity],
    code: diagnostic.code,
    source: "tsflow",
    message: diagnostic.message,
    ...(diagnostic.related?.length
      ? {
          relatedInformation: diagnostic.related.map((r) => ({
            location: { uri, range: toRange(r.range) },
            message: r.message,
          })),
        }
      : {}),
    data,
  };
}

/** True when `position` lies within `range`, ends included. */
export function contains(range: SourceRange, position: Position): boolean {
  const { start, end } = range;
  if (position.line < start.line || position.line > end.line) return false;
  if (position.line === start.line && position.character < start.character) return false;
  if (position.line === end.line && position.character > end.character) return false;
  return true;
}
