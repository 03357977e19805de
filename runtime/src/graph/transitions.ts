import { ts } from "./typescript";
import type { Problem } from "./facts";
import { propertyNameText, skipParentheses } from "./literals";
import type { Transition, TransitionTarget, TransitionType, VariableRef } from "./model";
import type { SourceText } from "./source";

/** True for `this.next(...)`. */
export function isNextCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  return (
    ts.isPropertyAccessExpression(callee) &&
    callee.expression.kind === ts.SyntaxKind.ThisKeyword &&
    callee.name.text === "next"
  );
}

/** A step reference: `this.a` or `this["a"]`. Returns the name ("" while the user is still typing). */
export function stepReferenceName(node: ts.Expression): string | undefined {
  const expr = skipParentheses(node);
  if (ts.isPropertyAccessExpression(expr) && expr.expression.kind === ts.SyntaxKind.ThisKeyword) {
    return ts.isPrivateIdentifier(expr.name) ? `#${expr.name.text}` : expr.name.text;
  }
  if (
    ts.isElementAccessExpression(expr) &&
    expr.expression.kind === ts.SyntaxKind.ThisKeyword &&
    ts.isStringLiteralLike(expr.argumentExpression)
  ) {
    return expr.argumentExpression.text;
  }
  return undefined;
}

interface Parsed {
  targets: TransitionTarget[];
  options?: ts.ObjectLiteralExpression;
  isSwitch: boolean;
}

/**
 * Reads a `this.next(...)` call into a transition. Every way the call departs from the four forms
 * of SPEC.md §1 becomes a problem; whatever targets could be read are kept so the graph still draws.
 */
export function parseTransition(
  call: ts.CallExpression,
  source: SourceText,
): { transition?: Transition; problems: Problem[] } {
  const problems: Problem[] = [];
  const args = [...call.arguments];
  if (args.length === 0) {
    problems.push({
      message: "`this.next()` names no step: write `this.next(this.end)` or another step",
      range: source.rangeOf(call),
    });
    return { problems };
  }
  const first = skipParentheses(args[0]);
  const parsed = ts.isObjectLiteralExpression(first)
    ? parseSwitchCases(first, args.slice(1), source, problems)
    : parseStepList(args, source, problems);
  const variables = readOptions(parsed, source, problems);
  if (parsed.targets.length === 0) return { problems };
  const type = transitionType(parsed, variables, source, call, problems);
  const transition: Transition = { type, range: source.rangeOf(call), targets: parsed.targets, ...variables };
  return { transition, problems };
}

function parseSwitchCases(
  cases: ts.ObjectLiteralExpression,
  rest: ts.Expression[],
  source: SourceText,
  problems: Problem[],
): Parsed {
  const targets: TransitionTarget[] = [];
  for (const property of cases.properties) {
    const label = property.name && propertyNameText(property.name);
    const step = ts.isPropertyAssignment(property) ? stepReferenceName(property.initializer) : undefined;
    if (label === undefined || step === undefined || !ts.isPropertyAssignment(property)) {
      problems.push({
        message: "each switch case maps a label to a step: `{ label: this.step }`",
        range: source.rangeOf(property),
      });
    } else {
      pushTarget(
        targets,
        { step, label, range: source.rangeOf(property.initializer) },
        property.initializer,
        source,
        problems,
      );
    }
  }
  const options = rest[0] && skipParentheses(rest[0]);
  if (!options || !ts.isObjectLiteralExpression(options)) {
    problems.push({
      message: 'a switch needs its condition: `this.next({ ... }, { condition: "artifact" })`',
      range: source.rangeOf(cases),
    });
  }
  for (const extra of rest.slice(1)) {
    problems.push({
      message: "a switch takes the cases and one options object, nothing more",
      range: source.rangeOf(extra),
    });
  }
  return { targets, isSwitch: true, options: options && ts.isObjectLiteralExpression(options) ? options : undefined };
}

function parseStepList(args: ts.Expression[], source: SourceText, problems: Problem[]): Parsed {
  const targets: TransitionTarget[] = [];
  const last = skipParentheses(args[args.length - 1]);
  const options = args.length > 1 && ts.isObjectLiteralExpression(last) ? last : undefined;
  const steps = options ? args.slice(0, -1) : args;
  for (const arg of steps) {
    const step = stepReferenceName(arg);
    if (step === undefined) {
      const hint = ts.isStringLiteralLike(arg) ? ` (write \`this.${arg.text}\`)` : "";
      problems.push({
        message: `\`${source.textOf(arg)}\` is not a step: pass steps as \`this.name\`${hint}`,
        range: source.rangeOf(arg),
      });
    } else {
      pushTarget(targets, { step, range: source.rangeOf(arg) }, arg, source, problems);
    }
  }
  return { targets, options, isSwitch: false };
}

function pushTarget(
  targets: TransitionTarget[],
  target: TransitionTarget,
  node: ts.Node,
  source: SourceText,
  problems: Problem[],
) {
  if (target.step === "") {
    problems.push({ message: "a step name is missing after `this.`", range: source.rangeOf(node) });
  } else if (targets.some((t) => t.step === target.step)) {
    problems.push({ message: `step \`${target.step}\` is named twice in one transition`, range: target.range });
  } else {
    targets.push(target);
  }
}

function readOptions(parsed: Parsed, source: SourceText, problems: Problem[]) {
  const variables: { foreach?: VariableRef; condition?: VariableRef; maxIterations?: number } = {};
  for (const property of parsed.options?.properties ?? []) {
    const key = property.name && propertyNameText(property.name);
    if (key === "maxIterations" && ts.isPropertyAssignment(property)) {
      const bound = maxIterations(property.initializer, parsed.isSwitch, source, problems);
      if (bound !== undefined) variables.maxIterations = bound;
    } else if ((key === "foreach" || key === "condition") && ts.isPropertyAssignment(property)) {
      const value = skipParentheses(property.initializer);
      if (ts.isStringLiteralLike(value) && value.text !== "") {
        variables[key] = { name: value.text, range: source.rangeOf(value) };
      } else {
        problems.push({
          message: `\`${key}\` takes an artifact's name as a string literal, e.g. \`${key}: "items"\``,
          range: source.rangeOf(property.initializer),
        });
      }
    } else {
      problems.push({
        message: `unknown transition option \`${source.textOf(property)}\`: use \`foreach\` or \`condition\` (and \`maxIterations\` on a switch)`,
        range: source.rangeOf(property),
      });
    }
  }
  return variables;
}

/** `maxIterations: 50`: a positive whole number, and only a switch (which alone may loop) takes it. */
function maxIterations(
  node: ts.Expression,
  isSwitch: boolean,
  source: SourceText,
  problems: Problem[],
): number | undefined {
  const value = skipParentheses(node);
  const bound = ts.isNumericLiteral(value) ? Number(value.text) : NaN;
  if (!isSwitch) {
    problems.push({
      message: "only a switch takes `maxIterations`, the bound of its loop",
      range: source.rangeOf(node),
    });
  } else if (!Number.isInteger(bound) || bound < 1) {
    problems.push({
      message: "`maxIterations` takes a whole number of at least 1 as a literal, e.g. `maxIterations: 100`",
      range: source.rangeOf(node),
    });
  } else {
    return bound;
  }
  return undefined;
}

function transitionType(
  parsed: Parsed,
  variables: { foreach?: VariableRef; condition?: VariableRef; maxIterations?: number },
  source: SourceText,
  call: ts.CallExpression,
  problems: Problem[],
): TransitionType {
  if (parsed.isSwitch) {
    if (variables.foreach)
      problems.push({ message: "a switch cannot also be a foreach", range: variables.foreach.range });
    if (!variables.condition && parsed.options) {
      problems.push({
        message: 'a switch needs `condition: "artifact"` in its options',
        range: source.rangeOf(parsed.options),
      });
    }
    return "switch";
  }
  if (variables.condition) {
    problems.push({
      message: "`condition` needs switch cases: `this.next({ a: this.a, b: this.b }, { condition: ... })`",
      range: variables.condition.range,
    });
  }
  if (variables.foreach) {
    if (parsed.targets.length > 1) {
      problems.push({ message: "a foreach transition takes exactly one step", range: source.rangeOf(call) });
    }
    return "foreach";
  }
  return parsed.targets.length > 1 ? "split" : "linear";
}
