import { ts } from "./typescript";
import type { JsonValue } from "./model";

export { isExpressionValue } from "./model";

/**
 * The JSON value of a literal expression (numbers, strings, booleans, null, arrays and object
 * literals of those). Anything else becomes `{ $expr: text }` so callers can tell "not static".
 */
export function literalValue(node: ts.Expression, file: ts.SourceFile): JsonValue {
  const expr = skipParentheses(node);
  if (ts.isNumericLiteral(expr)) return Number(expr.text);
  if (ts.isStringLiteralLike(expr)) return expr.text;
  if (expr.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (expr.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (expr.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isPrefixUnaryExpression(expr) && ts.isNumericLiteral(expr.operand)) {
    if (expr.operator === ts.SyntaxKind.MinusToken) return -Number(expr.operand.text);
    if (expr.operator === ts.SyntaxKind.PlusToken) return Number(expr.operand.text);
  }
  if (ts.isArrayLiteralExpression(expr) && !expr.elements.some(ts.isSpreadElement)) {
    return expr.elements.map((element) => literalValue(element, file));
  }
  if (ts.isObjectLiteralExpression(expr)) return objectLiteralValue(expr, file);
  return { $expr: expr.getText(file) };
}

function objectLiteralValue(expr: ts.ObjectLiteralExpression, file: ts.SourceFile): JsonValue {
  const result: Record<string, JsonValue> = {};
  for (const property of expr.properties) {
    const key = property.name && propertyNameText(property.name);
    if (!ts.isPropertyAssignment(property) || key === undefined) return { $expr: expr.getText(file) };
    result[key] = literalValue(property.initializer, file);
  }
  return result;
}

/** The static text of a property name (`a`, `"a"`, `1`), or undefined for computed names. */
export function propertyNameText(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) return name.text;
  if (ts.isPrivateIdentifier(name)) return name.text;
  return undefined;
}

export function skipParentheses(node: ts.Expression): ts.Expression {
  let expr = node;
  while (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isSatisfiesExpression(expr)) {
    expr = expr.expression;
  }
  return expr;
}
