import assert from "node:assert/strict";
import {
  analyze,
  DIAGNOSTIC_CODES,
  type Diagnostic,
  type DiagnosticCode,
  type FileAnalysis,
  type SourceRange,
} from "../../runtime/src/graph";

/** One diagnostic a source must raise: its code and the exact source text its range covers. */
export interface Expected {
  code: DiagnosticCode;
  /** The text under the diagnostic's range. */
  text: string;
  /** A pattern the message must match, for the messages that carry advice. */
  message?: RegExp;
  suggestion?: string;
}

/**
 * Analyzes `source` and asserts that its diagnostics are exactly `expected`: same codes, each with
 * its code's severity and a range covering `text`. Extra or missing diagnostics fail the test, so
 * a look-alike that must stay clean is `check(source, [])`.
 */
export function check(source: string, expected: Expected[], fileName = "flow.ts"): FileAnalysis {
  const result = analyze(fileName, source);
  const actual = [...result.diagnostics, ...result.flows.flatMap((f) => f.diagnostics)];
  const describe = (d: Diagnostic) => `${d.code} at \`${textOf(source, d.range)}\`: ${d.message}`;
  const sortKey = (code: string, text: string) => `${code}\u0000${text}`;
  const got = actual
    .map((d) => ({ key: sortKey(d.code, textOf(source, d.range)), d }))
    .sort((a, b) => a.key.localeCompare(b.key));
  const want = [...expected].sort((a, b) => sortKey(a.code, a.text).localeCompare(sortKey(b.code, b.text)));
  assert.deepEqual(
    got.map((g) => g.key),
    want.map((w) => sortKey(w.code, w.text)),
    `diagnostics differ; got:\n${actual.map(describe).join("\n") || "(none)"}`,
  );
  want.forEach((w, i) => {
    const d = got[i].d;
    assert.equal(d.severity, DIAGNOSTIC_CODES[w.code].severity, `severity of ${describe(d)}`);
    assert.ok(d.message.length > 20, `a message that explains: ${describe(d)}`);
    if (w.message) assert.match(d.message, w.message);
    if (w.suggestion !== undefined) assert.equal(d.suggestion, w.suggestion);
  });
  return result;
}

/** A flow file around `body`: the usual imports and `export class TestFlow extends FlowSpec`. */
export function flow(strings: TemplateStringsArray, ...values: unknown[]): string {
  const body = String.raw({ raw: strings }, ...values);
  return `import { FlowSpec, step, param, retry, catchError, timeout, resources, environment, kubernetes, slurm, Inputs } from "tsflow";

export class TestFlow extends FlowSpec {${body}}
`;
}

/** The source text a range covers. */
export function textOf(source: string, range: SourceRange): string {
  return source.slice(offsetOf(source, range.start), offsetOf(source, range.end));
}

function offsetOf(source: string, position: { line: number; character: number }): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) offset = source.indexOf("\n", offset) + 1;
  return offset + position.character;
}
