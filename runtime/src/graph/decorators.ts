import { ts } from "./typescript";
import { TSFLOW_DECORATORS, type DecoratorFacts } from "./facts";
import type { TsflowBindings } from "./imports";
import { literalValue, propertyNameText, skipParentheses } from "./literals";
import type { SourceText } from "./source";

/** Reads the decorators of a class member in source order, noting which stand below `@step`. */
export function readDecorators(
  member: ts.ClassElement,
  bindings: TsflowBindings,
  source: SourceText,
): DecoratorFacts[] {
  const decorators = ts.canHaveDecorators(member) ? (ts.getDecorators(member) ?? []) : [];
  let stepSeen = false;
  return decorators.map((decorator) => {
    const facts = readDecorator(decorator, bindings, source, stepSeen);
    stepSeen ||= facts.tsflowName === "step";
    return facts;
  });
}

function readDecorator(
  decorator: ts.Decorator,
  bindings: TsflowBindings,
  source: SourceText,
  belowStep: boolean,
): DecoratorFacts {
  const expr = skipParentheses(decorator.expression);
  const call = ts.isCallExpression(expr) ? expr : undefined;
  const callee = call ? call.expression : expr;
  const resolved = bindings.resolve(callee);
  const tsflowName = resolved !== undefined && TSFLOW_DECORATORS.has(resolved) ? resolved : undefined;
  const args = call ? [...call.arguments] : [];
  const first = args[0] && skipParentheses(args[0]);
  const propertyRanges: Record<string, ReturnType<SourceText["rangeOf"]>> = {};
  if (first && ts.isObjectLiteralExpression(first)) {
    for (const property of first.properties) {
      const key = property.name && propertyNameText(property.name);
      if (key !== undefined) propertyRanges[key] = source.rangeOf(property);
    }
  }
  return {
    decorator: {
      name: tsflowName ?? source.textOf(callee),
      args: args.map((arg) => literalValue(arg, source.file)),
      range: source.rangeOf(decorator),
    },
    tsflowName,
    called: call !== undefined,
    argRanges: args.map((arg) => source.rangeOf(arg)),
    propertyRanges,
    belowStep: belowStep && tsflowName !== "step",
    unknown: resolved !== undefined && tsflowName === undefined,
  };
}
