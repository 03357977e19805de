import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic as LspDiagnostic,
  type TextEdit,
} from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type {
  Diagnostic,
  FileAnalysis,
  FlowGraph,
  SourcePosition,
  SourceRange,
  Step,
} from "../../../runtime/src/graph/model";
import { toPosition, toRange, type DiagnosticData } from "../convert";
import type { Feature, ServerContext } from "../server";

/**
 * Quick fixes for the diagnostics that have one obvious repair: a missing `this.next(this.end)`, a
 * join without `inputs`, a target method without `@step`, a misspelt step. Each fix is computed
 * from the document's current analysis, never from the diagnostic the client sends back: that may
 * be of an older version, and a fix must be exact for the text it edits.
 */
export const codeActionsFeature: Feature = {
  capabilities: { codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] } },
  register(context) {
    context.connection.onCodeAction((params) => quickFixes(context, params));
  },
};

/** A fix: what the editor's light bulb says, and the edits to the document. */
interface Fix {
  title: string;
  edits: TextEdit[];
}

function quickFixes({ documents, cache }: ServerContext, params: CodeActionParams): CodeAction[] | null {
  const document = documents.get(params.textDocument.uri);
  if (!document) return null;
  const only = params.context.only;
  if (only && !only.some((kind) => kind === CodeActionKind.Empty || kind === CodeActionKind.QuickFix)) return [];
  const analysis = cache.get(document).analysis;
  if (!analysis) return [];
  return params.context.diagnostics.flatMap((diagnostic) => {
    const source = findSource(analysis, diagnostic);
    const fix = source && fixFor(new FlowText(document, source.flow), source.diagnostic);
    return fix ? [toAction(document.uri, diagnostic, fix)] : [];
  });
}

function toAction(uri: string, diagnostic: LspDiagnostic, fix: Fix): CodeAction {
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: true,
    edit: { changes: { [uri]: fix.edits } },
  };
}

/**
 * The analyzer's diagnostic behind one the client sent: same flow, code and range in the current
 * analysis. A diagnostic that no longer matches (the text moved on) gets no fix.
 */
function findSource(
  analysis: FileAnalysis,
  diagnostic: LspDiagnostic,
): { flow: FlowGraph; diagnostic: Diagnostic } | undefined {
  if (diagnostic.source !== "tsflow") return undefined;
  const flowName = (diagnostic.data as DiagnosticData | undefined)?.flow;
  for (const flow of analysis.flows) {
    if (flowName !== undefined && flow.graph.name !== flowName) continue;
    const found = flow.diagnostics.find(
      (d) => d.code === diagnostic.code && sameRange(toRange(d.range), diagnostic.range),
    );
    if (found) return { flow: flow.graph, diagnostic: found };
  }
  return undefined;
}

function fixFor(text: FlowText, diagnostic: Diagnostic): Fix | undefined {
  switch (diagnostic.code) {
    case "missing-transition":
      return addTransition(text, diagnostic);
    case "join-needs-inputs":
      return addInputs(text, diagnostic);
    case "unknown-step": {
      // A method without @step comes with the method's name as related information.
      const method = diagnostic.related?.[0]?.range;
      return method ? addStepDecorator(text, method) : replaceTarget(text, diagnostic);
    }
    case "unknown-join-input":
    case "foreach-var-missing":
    case "switch-var-missing":
      return replaceName(text, diagnostic);
    default:
      return undefined;
  }
}

/** `this.next(this.end)` as the step's last statement, on its own line when the body has lines. */
function addTransition(text: FlowText, diagnostic: Diagnostic): Fix | undefined {
  const step = text.step(diagnostic.step);
  if (!step) return undefined;
  const brace = { line: step.range.end.line, character: step.range.end.character - 1 };
  if (text.charAt(brace) !== "}") return undefined;
  const call = `this.next(this.end)${text.semicolon()}`;
  const before = text.line(brace.line).slice(0, brace.character);
  const title = `Add \`this.next(this.end)\` to \`${step.name}\``;
  if (before.trim() === "") {
    const line = { line: brace.line, character: 0 };
    return { title, edits: [insert(line, `${text.bodyIndent(step, before)}${call}${text.eol}`)] };
  }
  // The body ends on the brace's line (`{ a(); }`): the call goes between, spaced like the rest.
  const code = before.trimEnd();
  const separator = /[{;}]$/.test(code) ? "" : ";";
  const range = { start: { line: brace.line, character: code.length }, end: brace };
  return { title, edits: [{ range, newText: `${separator} ${call} ` }] };
}

/** `join()` → `join(inputs: Inputs<Flow>)`, importing `Inputs` from tsflow when the file does not. */
function addInputs(text: FlowText, diagnostic: Diagnostic): Fix | undefined {
  const step = text.step(diagnostic.step);
  if (!step || step.inputs) return undefined;
  const after = text.offset(step.nameRange.end);
  const parens = /^\s*\(\s*\)/.exec(text.text.slice(after, after + 200));
  if (!parens) return undefined;
  const open = after + parens[0].indexOf("(") + 1;
  const close = after + parens[0].length - 1;
  const inputs = text.inputsType();
  const parameter = `inputs: ${inputs.name}<${text.flow.name}>`;
  return {
    title: `Add \`${parameter}\` to \`${step.name}\``,
    edits: [{ range: text.range(open, close), newText: parameter }, ...inputs.edits],
  };
}

/** `@step` before a method a transition names, as the file writes it (`@step name()` or on a line above). */
function addStepDecorator(text: FlowText, nameRange: SourceRange): Fix | undefined {
  const name = text.text.slice(text.offset(nameRange.start), text.offset(nameRange.end));
  const line = text.line(nameRange.start.line);
  const prefix = line.slice(0, nameRange.start.character);
  // Accessors, generators and static methods cannot be steps: @step would only trade one error for another.
  if (/\bstatic\s/.test(prefix) || /(?:\bget|\bset|\*)\s*$/.test(prefix)) return undefined;
  // Decorators come before modifiers: `@step async name()`.
  const modifiers = /(?:(?:public|private|protected|override|async)\s+)*$/.exec(prefix)![0];
  const at = { line: nameRange.start.line, character: prefix.length - modifiers.length };
  const indent = /^\s*/.exec(line)![0];
  const style = text.stepDecoratorStyle();
  const newText =
    style.ownLine && at.character === indent.length ? `${style.text}${text.eol}${indent}` : `${style.text} `;
  return { title: `Add \`${style.text}\` to \`${name}\``, edits: [insert(at, newText)] };
}

/** The misspelt target's name replaced by the analyzer's suggestion: `this.trian` → `this.train`. */
function replaceTarget(text: FlowText, diagnostic: Diagnostic): Fix | undefined {
  const suggestion = diagnostic.suggestion;
  const target = text
    .step(diagnostic.step)
    ?.transition?.targets.find((t) => sameRange(toRange(t.range), toRange(diagnostic.range)));
  if (!suggestion || !target) return undefined;
  const end = text.offset(diagnostic.range.end);
  const start = end - target.step.length;
  if (text.text.slice(start, end) !== target.step) return undefined;
  return {
    title: `Change \`${target.step}\` to \`${suggestion}\``,
    edits: [{ range: text.range(start, end), newText: suggestion }],
  };
}

/**
 * The misspelt name under the diagnostic replaced by the analyzer's suggestion, quotes kept:
 * `inputs.trian` → `inputs.train`, `foreach: "itmes"` → `foreach: "items"`.
 */
function replaceName(text: FlowText, diagnostic: Diagnostic): Fix | undefined {
  const suggestion = diagnostic.suggestion;
  if (!suggestion) return undefined;
  let start = text.offset(diagnostic.range.start);
  let end = text.offset(diagnostic.range.end);
  const quoted = /^(["'`]).*\1$/s.test(text.text.slice(start, end));
  if (quoted) [start, end] = [start + 1, end - 1];
  const name = text.text.slice(start, end);
  if (!/^[\w$]+$/.test(name)) return undefined;
  return {
    title: `Change \`${name}\` to \`${suggestion}\``,
    edits: [{ range: text.range(start, end), newText: suggestion }],
  };
}

/**
 * The text of a document around one of its flows, with what the fixes need to write code the way
 * the file already does: its line ends, indentation, semicolons, and how it spells `@step`. It
 * reads only the spans the analyzer located; it never parses TypeScript.
 */
class FlowText {
  readonly text: string;
  readonly eol: string;

  constructor(
    private readonly document: TextDocument,
    readonly flow: FlowGraph,
  ) {
    this.text = document.getText();
    this.eol = this.text.includes("\r\n") ? "\r\n" : "\n";
  }

  step(name: string | undefined): Step | undefined {
    return this.flow.steps.find((s) => s.name === name);
  }

  offset(position: SourcePosition): number {
    return this.document.offsetAt(position);
  }

  range(start: number, end: number) {
    return { start: this.document.positionAt(start), end: this.document.positionAt(end) };
  }

  charAt(position: SourcePosition): string {
    return this.text.charAt(this.offset(position));
  }

  /** Line `n` without its line end. */
  line(n: number): string {
    const start = this.offset({ line: n, character: 0 });
    const end = this.text.indexOf("\n", start);
    return this.text.slice(start, end === -1 ? undefined : end).replace(/\r$/, "");
  }

  /** ";" unless the flow's existing transitions go without one. */
  semicolon(): string {
    const transition = this.flow.steps.find((s) => s.transition)?.transition;
    return !transition || this.charAt(transition.range.end) === ";" ? ";" : "";
  }

  /**
   * The indentation of a step's statements: the shallowest body line indented past the closing
   * brace (continuation lines sit deeper), else one level past the brace, a level being how far
   * the class indents its members.
   */
  bodyIndent(step: Step, braceIndent: string): string {
    const indents: string[] = [];
    for (let n = step.nameRange.start.line + 1; n < step.range.end.line; n++) {
      const line = this.line(n);
      const indent = /^\s*/.exec(line)![0];
      if (line.trim() !== "" && indent.length > braceIndent.length) indents.push(indent);
    }
    if (indents.length > 0) return indents.reduce((a, b) => (b.length < a.length ? b : a));
    const classIndent = /^\s*/.exec(this.line(this.flow.range.start.line))![0];
    return braceIndent + (braceIndent.slice(classIndent.length) || "  ");
  }

  /**
   * How the flow's steps write their step decorator, by majority: its spelling (`@step`, or an
   * alias such as `@tf.step`) and whether it sits on a line of its own above the name. The
   * decorator nearest a step's name is its `@step`: the analyzer requires the others above it.
   */
  stepDecoratorStyle(): { text: string; ownLine: boolean } {
    let ownLine = 0;
    let inline = 0;
    let text: string | undefined;
    for (const step of this.flow.steps) {
      const head = this.text.slice(this.offset(step.range.start), this.offset(step.nameRange.start));
      const last = [...head.matchAll(/@[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/g)].at(-1);
      if (!last) continue;
      text ??= last[0];
      if (head.slice(last.index + last[0].length).includes("\n")) ownLine++;
      else inline++;
    }
    return { text: text ?? "@step", ownLine: ownLine > inline };
  }

  /** The name `Inputs` goes by in this file, and the import edit that brings it in when it is missing. */
  inputsType(): { name: string; edits: TextEdit[] } {
    const named = [...this.text.matchAll(/\bimport\s+(?:type\s+)?\{([^}]*)\}\s*from\s*(["'])tsflow\2/g)];
    for (const match of named) {
      const local = importedAs(match[1], "Inputs");
      if (local) return { name: local, edits: [] };
    }
    const namespace = /\bimport\s+(?:type\s+)?\*\s*as\s+([A-Za-z_$][\w$]*)\s+from\s*(["'])tsflow\2/.exec(this.text);
    if (namespace) return { name: `${namespace[1]}.Inputs`, edits: [] };
    if (named.length > 0) return { name: "Inputs", edits: [this.addSpecifier(named[0], "Inputs")] };
    // No tsflow import at all: beside the other imports, else right above the class (after any header comment).
    const firstImport = /^import\b/m.exec(this.text);
    const at = firstImport
      ? this.document.positionAt(firstImport.index)
      : { line: this.flow.range.start.line, character: 0 };
    return { name: "Inputs", edits: [insert(at, `import { Inputs } from "tsflow";${this.eol}`)] };
  }

  /** `{ a, b }` → `{ a, b, Inputs }`, keeping a trailing comma and a one-per-line layout. */
  private addSpecifier(match: RegExpMatchArray, name: string): TextEdit {
    const list = match[1];
    const listStart = match.index! + match[0].indexOf("{") + 1;
    const content = list.trimEnd();
    if (content.trim() === "") return { range: this.range(listStart, listStart + list.length), newText: ` ${name} ` };
    const at = this.document.positionAt(listStart + content.length);
    if (!content.endsWith(",")) return insert(at, `, ${name}`);
    if (!content.includes("\n")) return insert(at, ` ${name},`);
    const lastLine = content.slice(content.lastIndexOf("\n") + 1);
    return insert(at, `${this.eol}${/^\s*/.exec(lastLine)![0]}${name},`);
  }
}

/** The local name of `exported` in an import's `{ ... }` list, if the list imports it. */
function importedAs(list: string, exported: string): string | undefined {
  for (const specifier of list.split(",")) {
    const parts = /^\s*(?:type\s+)?([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*$/.exec(specifier);
    if (parts?.[1] === exported) return parts[2] ?? parts[1];
  }
  return undefined;
}

function insert(position: SourcePosition, newText: string): TextEdit {
  const at = toPosition(position);
  return { range: { start: at, end: at }, newText };
}

function sameRange(a: { start: SourcePosition; end: SourcePosition }, b: typeof a): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}
