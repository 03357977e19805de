/** The only place where the analyzer's data becomes LSP types. */
import {
  CompletionItemKind,
  DiagnosticSeverity,
  InsertTextFormat,
  MarkupKind,
  SymbolKind,
  type CompletionItem,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol,
  type Hover,
  type Location,
  type Position,
  type Range,
} from "vscode-languageserver";
import type {
  Diagnostic,
  FlowGraph,
  Parameter,
  Severity,
  SourcePosition,
  SourceRange,
  Step,
} from "../../runtime/src/graph/model";
import type { TaskFailure } from "./run-failures";

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

/**
 * A failed task's error as a diagnostic on the line it was thrown from: from its column (1-based in
 * the record) to the end of the line's code. `lineText` gives a zero-based line's current text.
 */
export function toFailureDiagnostic(failure: TaskFailure, lineText: (line: number) => string): LspDiagnostic {
  const line = failure.location.line - 1;
  const text = lineText(line);
  const end = text.trimEnd().length;
  const indent = text.length - text.trimStart().length;
  const column = Math.max(0, failure.location.column - 1);
  const start = column < end ? column : Math.min(indent, end);
  return {
    range: { start: { line, character: start }, end: { line, character: end } },
    severity: DiagnosticSeverity.Error,
    code: "task-failed",
    source: "tsflow",
    message: `${failure.type}: ${failure.message}\n(thrown here by task ${failure.task}, in the latest run of step ${failure.step})`,
    data: { task: failure.task, run: failure.run, step: failure.step },
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

/**
 * A flow as an outline symbol: the class, with its parameters and steps as children in source
 * order. `range` is the whole node, `selectionRange` its name, as outline and breadcrumbs expect.
 */
export function toFlowSymbol(flow: FlowGraph): DocumentSymbol {
  const children = [...flow.parameters.map(toParameterSymbol), ...flow.steps.map(toStepSymbol)];
  children.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return {
    name: flow.name,
    kind: SymbolKind.Class,
    detail: `flow · ${flow.steps.length} ${flow.steps.length === 1 ? "step" : "steps"}`,
    range: toRange(flow.range),
    selectionRange: toRange(flow.nameRange),
    children,
  };
}

/** A step as an outline symbol; its detail is its kind and transition (`foreach → fit`). */
export function toStepSymbol(step: Step): DocumentSymbol {
  return {
    name: step.name,
    kind: SymbolKind.Method,
    detail: stepDetail(step),
    range: toRange(step.range),
    selectionRange: toRange(step.nameRange),
  };
}

/** A parameter as an outline symbol; its detail is its type and default (`number = 0.01`). */
export function toParameterSymbol(parameter: Parameter): DocumentSymbol {
  const value =
    parameter.defaultText === undefined ? (parameter.required ? ", required" : "") : ` = ${parameter.defaultText}`;
  return {
    name: parameter.name,
    kind: SymbolKind.Property,
    detail: `${parameter.type}${value}`,
    range: toRange(parameter.range),
    selectionRange: toRange(parameter.nameRange),
  };
}

/**
 * `linear → b`, `start (split) → a, b`, `switch → yes: a, no: b`, `end`: the role first, then the
 * transition's form when it is not already the role (a start or join that also branches).
 */
export function stepDetail(step: Step): string {
  const transition = step.transition;
  if (!transition) return step.kind;
  const form = transition.type === step.kind || transition.type === "linear" ? "" : ` (${transition.type})`;
  const targets = transition.targets.map((t) => (t.label === undefined ? t.step : `${t.label}: ${t.step}`));
  return `${step.kind}${form} → ${targets.join(", ")}`;
}

/** A place in the document `uri`: where go-to-definition lands. */
export function toLocation(uri: string, range: SourceRange): Location {
  return { uri, range: toRange(range) };
}

/** A markdown hover over `range`, the text the editor underlines while it shows. */
export function toHover(markdown: string, range: SourceRange): Hover {
  return { contents: { kind: MarkupKind.Markdown, value: markdown }, range: toRange(range) };
}

/** What TSFlow completes; each kind gets its own icon in the list. */
export type CompletionEntryKind = "step" | "artifact" | "parameter" | "decorator";

const COMPLETION_KIND: Record<CompletionEntryKind, CompletionItemKind> = {
  step: CompletionItemKind.Method,
  artifact: CompletionItemKind.Field,
  parameter: CompletionItemKind.Property,
  decorator: CompletionItemKind.Function,
};

/** One completion as the features describe it, in the analyzer's ranges. */
export interface CompletionEntry {
  label: string;
  kind: CompletionEntryKind;
  /** Replaces `replace`; a snippet with `${1:placeholder}` tab stops when `snippet` is set. */
  newText: string;
  replace: SourceRange;
  snippet?: boolean;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** The list's order: the editor sorts by this before its own fuzzy score of equal matches. */
  sortText: string;
}

/**
 * A completion item that replaces the typed part of the word. `filterText` is the bare label, so
 * typing `tr` still matches an item that inserts `this.train` or `"train"`.
 */
export function toCompletionItem(entry: CompletionEntry): CompletionItem {
  return {
    label: entry.label,
    kind: COMPLETION_KIND[entry.kind],
    ...(entry.detail === undefined ? {} : { detail: entry.detail }),
    ...(entry.documentation === undefined
      ? {}
      : { documentation: { kind: MarkupKind.Markdown, value: entry.documentation } }),
    sortText: entry.sortText,
    filterText: entry.label,
    textEdit: { range: toRange(entry.replace), newText: entry.newText },
    insertTextFormat: entry.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
  };
}
