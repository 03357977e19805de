import { ts } from "./typescript";
import { propertyNameText, skipParentheses } from "./literals";
import type { SourceRange } from "./model";
import type { SourceText } from "./source";

/** `inputs.a` (an input by step name) or `inputs[0]` (by position), and the artifact read from it. */
export interface InputRead {
  /** The step named (`inputs.a` → "a"); undefined for `inputs[0]`. */
  step?: string;
  /** The range of the step's name, or of the whole `inputs[0]`. */
  range: SourceRange;
  /** `inputs.a.x` → x. */
  artifact?: { name: string; range: SourceRange };
}

/** A `this.mergeArtifacts(...)` call, with the options it names. */
export interface MergeCall {
  range: SourceRange;
  include?: SourceRange;
  exclude?: SourceRange;
}

export interface JoinBody {
  inputReads: InputRead[];
  mergeCalls: MergeCall[];
}

/**
 * Reads what a step does with its `inputs` parameter (named `inputsName`) and its
 * `this.mergeArtifacts` calls. Array members (`inputs.map`, `inputs.length`) are no step names.
 */
export function readJoinBody(body: ts.Block | undefined, inputsName: string | undefined, source: SourceText): JoinBody {
  const result: JoinBody = { inputReads: [], mergeCalls: [] };
  if (!body) return result;
  const visit = (node: ts.Node): void => {
    const read = inputsName ? inputRead(node, inputsName, source) : undefined;
    if (read) result.inputReads.push(read);
    const merge = mergeCall(node, source);
    if (merge) result.mergeCalls.push(merge);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return result;
}

function inputRead(node: ts.Node, inputsName: string, source: SourceText): InputRead | undefined {
  let step: string | undefined;
  let range: SourceRange;
  if (ts.isPropertyAccessExpression(node) && isInputs(node.expression, inputsName)) {
    if (ts.isPrivateIdentifier(node.name) || node.name.text in Array.prototype) return undefined;
    step = node.name.text;
    range = source.rangeOf(node.name);
  } else if (ts.isElementAccessExpression(node) && isInputs(node.expression, inputsName)) {
    const key = skipParentheses(node.argumentExpression);
    if (ts.isStringLiteralLike(key)) {
      if (key.text in Array.prototype) return undefined;
      step = key.text;
      range = source.rangeOf(key);
    } else if (ts.isNumericLiteral(key)) {
      range = source.rangeOf(node);
    } else {
      return undefined;
    }
  } else {
    return undefined;
  }
  const parent = node.parent;
  const artifact =
    ts.isPropertyAccessExpression(parent) && parent.expression === node && !ts.isPrivateIdentifier(parent.name)
      ? { name: parent.name.text, range: source.rangeOf(parent.name) }
      : undefined;
  return { ...(step !== undefined ? { step } : {}), range, ...(artifact ? { artifact } : {}) };
}

function isInputs(node: ts.Expression, inputsName: string): boolean {
  const expr = skipParentheses(node);
  return ts.isIdentifier(expr) && expr.text === inputsName;
}

function mergeCall(node: ts.Node, source: SourceText): MergeCall | undefined {
  if (!ts.isCallExpression(node)) return undefined;
  const callee = node.expression;
  const isMerge =
    ts.isPropertyAccessExpression(callee) &&
    callee.expression.kind === ts.SyntaxKind.ThisKeyword &&
    callee.name.text === "mergeArtifacts";
  if (!isMerge) return undefined;
  const call: MergeCall = { range: source.rangeOf(node) };
  const options = node.arguments[1] && skipParentheses(node.arguments[1]);
  if (options && ts.isObjectLiteralExpression(options)) {
    for (const property of options.properties) {
      const key = property.name && propertyNameText(property.name);
      if (key === "include" || key === "exclude") call[key] = source.rangeOf(property);
    }
  }
  return call;
}
