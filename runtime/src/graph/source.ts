import { ts } from "./typescript";
import type { SourceRange } from "./model";

/** Converts TypeScript node offsets into the zero-based line/character ranges of the graph model. */
export class SourceText {
  constructor(readonly file: ts.SourceFile) {}

  /** The node's range without its leading trivia (comments and white space). */
  rangeOf(node: ts.Node): SourceRange {
    return this.range(node.getStart(this.file), node.getEnd());
  }

  range(start: number, end: number): SourceRange {
    return { start: this.position(start), end: this.position(end) };
  }

  private position(offset: number) {
    const { line, character } = this.file.getLineAndCharacterOfPosition(offset);
    return { line, character };
  }

  textOf(node: ts.Node): string {
    return node.getText(this.file);
  }

  /** The JSDoc comment text directly above a declaration, if any. */
  docOf(node: ts.Node): string | undefined {
    const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc;
    const last = docs?.[docs.length - 1];
    if (!last) return undefined;
    const comment = ts.getTextOfJSDocComment(last.comment)?.trim();
    return comment || undefined;
  }
}
