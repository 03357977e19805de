import { ts } from "./typescript";
import type { NextCall } from "./facts";
import type { ArtifactUse } from "./model";
import type { SourceText } from "./source";
import { isNextCall, parseTransition } from "./transitions";

export interface StepBody {
  nextCalls: NextCall[];
  assigns: ArtifactUse[];
  /** Every other `this.x` the step touches; the caller drops steps, methods and the FlowSpec API. */
  reads: ArtifactUse[];
}

const COMPOUND_ASSIGNMENTS = new Set([
  ts.SyntaxKind.PlusEqualsToken,
  ts.SyntaxKind.MinusEqualsToken,
  ts.SyntaxKind.AsteriskEqualsToken,
  ts.SyntaxKind.AsteriskAsteriskEqualsToken,
  ts.SyntaxKind.SlashEqualsToken,
  ts.SyntaxKind.PercentEqualsToken,
  ts.SyntaxKind.LessThanLessThanEqualsToken,
  ts.SyntaxKind.GreaterThanGreaterThanEqualsToken,
  ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken,
  ts.SyntaxKind.AmpersandEqualsToken,
  ts.SyntaxKind.BarEqualsToken,
  ts.SyntaxKind.CaretEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
]);

/** Walks a step's body for its `this.next` calls and the artifacts it assigns and reads. */
export function readStepBody(body: ts.Block | undefined, source: SourceText): StepBody {
  const result: StepBody = { nextCalls: [], assigns: [], reads: [] };
  if (!body) return result;
  const tail = tailCall(body);
  const visit = (node: ts.Node): void => {
    if (isNextCall(node)) {
      result.nextCalls.push({ range: source.rangeOf(node), isTail: node === tail, ...parseTransition(node, source) });
      return;
    }
    // A nested function or class rebinds `this`; arrow functions keep it.
    if (ts.isFunctionLike(node) && !ts.isArrowFunction(node)) return;
    if (ts.isClassLike(node)) return;
    const name = thisMemberName(node);
    if (name !== undefined) recordUse(node as ts.Expression, name, source, result);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return result;
}

/** The `this.next(...)` call that ends the body (`this.next(...)` or `return this.next(...)`). */
function tailCall(body: ts.Block): ts.Node | undefined {
  const last = body.statements[body.statements.length - 1];
  if (!last) return undefined;
  const expr = ts.isExpressionStatement(last)
    ? last.expression
    : ts.isReturnStatement(last)
      ? last.expression
      : undefined;
  return expr && isNextCall(expr) ? expr : undefined;
}

function thisMemberName(node: ts.Node): string | undefined {
  if (ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword) {
    return ts.isPrivateIdentifier(node.name) ? undefined : node.name.text;
  }
  if (
    ts.isElementAccessExpression(node) &&
    node.expression.kind === ts.SyntaxKind.ThisKeyword &&
    ts.isStringLiteralLike(node.argumentExpression)
  ) {
    return node.argumentExpression.text;
  }
  return undefined;
}

function recordUse(node: ts.Expression, name: string, source: SourceText, result: StepBody) {
  const use = { name, range: source.rangeOf(node) };
  const { assigns, reads } = classifyUse(node);
  if (assigns) result.assigns.push(use);
  if (reads) result.reads.push(use);
}

/** Whether `this.x` at this place is written, read, or both (`this.x += 1`). */
function classifyUse(node: ts.Expression): { assigns: boolean; reads: boolean } {
  const parent = node.parent;
  if (ts.isBinaryExpression(parent) && parent.left === node) {
    if (parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return { assigns: true, reads: false };
    if (COMPOUND_ASSIGNMENTS.has(parent.operatorToken.kind)) return { assigns: true, reads: true };
  }
  if (
    (ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) &&
    (parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken)
  ) {
    return { assigns: true, reads: true };
  }
  if (isDestructuringTarget(node)) return { assigns: true, reads: false };
  return { assigns: false, reads: true };
}

/** `[this.a, this.b] = ...` and `({ k: this.a } = ...)`: the element is written, not read. */
function isDestructuringTarget(node: ts.Node): boolean {
  let current = node;
  for (;;) {
    const parent = current.parent;
    if (ts.isArrayLiteralExpression(parent) || ts.isSpreadElement(parent) || ts.isSpreadAssignment(parent)) {
      current = parent;
    } else if (ts.isPropertyAssignment(parent) && parent.initializer === current) {
      current = parent.parent;
    } else {
      const isAssignment = ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;
      return current !== node && isAssignment && parent.left === current;
    }
  }
}
