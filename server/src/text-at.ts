/**
 * Text helpers for requests at a position: they read one line, or a few lines before the position,
 * and nothing else, so a hover or completion never scans the whole document.
 */
import type { SourcePosition, SourceRange } from "../../runtime/src/graph/model";

/** One line of the document without its line break ("" past the end). */
export type LineReader = (line: number) => string;

/** How many lines above the position a context may start on (a `this.next(` or `exclude: [` broken over lines). */
export const WINDOW_LINES = 3;
export const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** `exclude: [` still open at the end of the text, with only complete or partial elements after it. */
export const EXCLUDE_OPEN = /\bexclude\s*:\s*\[[^\]]*$/;

/** A token of one line: its text and columns (end exclusive). */
export interface Token {
  text: string;
  start: number;
  end: number;
}

/** A string literal of one line: its value, and the columns of its quotes (end after the closing one). */
export interface StringToken {
  value: string;
  quote: string;
  start: number;
  end: number;
  closed: boolean;
}

/** The identifier touching `character` (before or after it). */
export function wordAt(line: string, character: number): Token | undefined {
  let start = character;
  let end = character;
  while (start > 0 && /[\w$]/.test(line[start - 1])) start--;
  while (end < line.length && /[\w$]/.test(line[end])) end++;
  return start < end ? { text: line.slice(start, end), start, end } : undefined;
}

/** The string literal of `line` whose quotes hold `character` (an unclosed one runs to the end of the line). */
export function stringAt(line: string, character: number): StringToken | undefined {
  return stringsOf(line).find((s) => s.start <= character && character <= s.end);
}

/** The string literals of one line, skipping a `//` comment; escapes are honoured. */
export function stringsOf(line: string): StringToken[] {
  const strings: StringToken[] = [];
  for (let i = 0; i < line.length; i++) {
    if (line.startsWith("//", i)) break;
    const quote = line[i];
    if (quote !== '"' && quote !== "'" && quote !== "`") continue;
    let j = i + 1;
    while (j < line.length && line[j] !== quote) j += line[j] === "\\" ? 2 : 1;
    const closed = j < line.length;
    strings.push({
      value: line.slice(i + 1, Math.min(j, line.length)),
      quote,
      start: i,
      end: closed ? j + 1 : line.length,
      closed,
    });
    i = j;
  }
  return strings;
}

/** The text from a few lines above `position` up to it, lines joined by "\n". */
export function textBefore(position: SourcePosition, lineAt: LineReader): string {
  const lines: string[] = [];
  for (let line = Math.max(0, position.line - WINDOW_LINES); line < position.line; line++) lines.push(lineAt(line));
  lines.push(lineAt(position.line).slice(0, position.character));
  return lines.join("\n");
}

/** A range within one line. */
export function lineRange(line: number, start: number, end: number): SourceRange {
  return { start: { line, character: start }, end: { line, character: end } };
}

/** Reads a document line by line, each line without its break. */
export function lineReader(document: { getText(range: SourceRange): string }): LineReader {
  return (line) =>
    document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, "");
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
