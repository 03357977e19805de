/**
 * The preview's view of a document as it changes: which graph to draw after each analysis, and
 * which step or flow a cursor is in. Pure functions of the analysis, so they are tested without
 * an editor.
 */
import type {
  Diagnostic,
  FileAnalysis,
  FlowGraph,
  SourcePosition,
  SourceRange,
} from "../../../runtime/src/graph/model";
import type { GraphView } from "./messages";

/** One analysis of a document, as `tsflow/flowGraph` answers and `tsflow/graphChanged` announces. */
export interface AnalysisUpdate {
  uri: string;
  version: number;
  analysis: FileAnalysis;
}

/**
 * The view after `update`: the flow's new graph when the file parses and still defines the flow;
 * otherwise the last good graph, marked stale, with the reasons. An update older than the view is
 * ignored (a slow `flowGraph` answer arriving after a newer notification).
 */
export function nextView(previous: GraphView | undefined, update: AnalysisUpdate, flow: string): GraphView {
  if (previous && update.version < previous.version) return previous;
  const found = update.analysis.flows.find((f) => f.graph.name === flow);
  const syntax = update.analysis.diagnostics.filter((d) => d.severity === "error");
  const base = { uri: update.uri, flow, version: update.version };
  if (found && syntax.length === 0) {
    return { ...base, graph: found.graph, diagnostics: found.diagnostics, stale: false, problems: [] };
  }
  const problems = syntax.length > 0 ? syntax : [flowMissing(flow, previous?.graph ?? null)];
  if (previous?.graph) {
    return { ...base, graph: previous.graph, diagnostics: previous.diagnostics, stale: true, problems };
  }
  // Nothing good to fall back on: a graph from a file that does not parse beats an empty page.
  return { ...base, graph: found?.graph ?? null, diagnostics: found?.diagnostics ?? [], stale: true, problems };
}

/** The reason a view is stale when the file no longer defines its flow. */
function flowMissing(flow: string, graph: FlowGraph | null): Diagnostic {
  const at = graph?.nameRange ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return {
    code: "flow-missing",
    severity: "error",
    message: `The file no longer defines the flow ${flow}: was the class renamed or removed?`,
    range: at,
  };
}

/** The step whose method holds `position`, if any. */
export function stepAt(graph: FlowGraph | null, position: SourcePosition): string | null {
  return graph?.steps.find((s) => contains(s.range, position))?.name ?? null;
}

/** The flow whose class holds `position`, else the file's first flow. */
export function flowAt(analysis: FileAnalysis, position: SourcePosition | undefined): string | undefined {
  const inside = position && analysis.flows.find((f) => contains(f.graph.range, position));
  return (inside || analysis.flows[0])?.graph.name;
}

/** Whether `p` lies within `range`, both ends included. */
export function contains(range: SourceRange, p: SourcePosition): boolean {
  const afterStart = p.line > range.start.line || (p.line === range.start.line && p.character >= range.start.character);
  const beforeEnd = p.line < range.end.line || (p.line === range.end.line && p.character <= range.end.character);
  return afterStart && beforeEnd;
}
