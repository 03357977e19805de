import { ts } from "./typescript";
import type { ParameterFacts, Problem } from "./facts";
import type { TsflowBindings } from "./imports";
import { isExpressionValue, literalValue, propertyNameText, skipParentheses } from "./literals";
import type { JsonValue, ParameterType } from "./model";
import type { SourceText } from "./source";

const PARAMETER_TYPES: ReadonlySet<string> = new Set<ParameterType>(["number", "string", "boolean", "json"]);
const OPTION_KEYS = new Set(["default", "help", "type", "required"]);

/** The `param(...)` call a field is initialised with, if it is one. */
export function paramCall(member: ts.PropertyDeclaration, bindings: TsflowBindings): ts.CallExpression | undefined {
  const init = member.initializer && skipParentheses(member.initializer);
  return init && ts.isCallExpression(init) && bindings.resolve(init.expression) === "param" ? init : undefined;
}

/** Reads `name = param({ default, help, type, required })` into a parameter and its problems. */
export function readParameter(
  member: ts.PropertyDeclaration,
  name: string,
  call: ts.CallExpression,
  source: SourceText,
): ParameterFacts {
  const problems: Problem[] = [];
  const options: Record<string, { value: JsonValue; node: ts.Expression }> = {};
  const arg = call.arguments[0] && skipParentheses(call.arguments[0]);
  if (!arg || !ts.isObjectLiteralExpression(arg) || call.arguments.length > 1) {
    problems.push({
      message: `parameter \`${name}\` takes one options object: \`param({ default: ..., help: "..." })\``,
      range: source.rangeOf(call),
    });
  } else {
    for (const property of arg.properties) {
      const key = property.name && propertyNameText(property.name);
      if (key === undefined || !OPTION_KEYS.has(key) || !ts.isPropertyAssignment(property)) {
        problems.push({
          message: `unknown option \`${source.textOf(property)}\` of parameter \`${name}\`: use default, help, type or required`,
          range: source.rangeOf(property),
        });
      } else {
        options[key] = { value: literalValue(property.initializer, source.file), node: property.initializer };
      }
    }
  }
  const type = parameterType(name, options, member, source, problems);
  const help = options.help?.value;
  if (options.help && typeof help !== "string") {
    problems.push({
      message: `the help of parameter \`${name}\` must be a string literal`,
      range: source.rangeOf(options.help.node),
    });
  }
  const required = options.required;
  if (required && typeof required.value !== "boolean" && !isExpressionValue(required.value)) {
    problems.push({
      message: `\`required\` of parameter \`${name}\` must be true or false`,
      range: source.rangeOf(required.node),
    });
  }
  const defaultValue = options.default?.value;
  const literalDefault = defaultValue === undefined || isExpressionValue(defaultValue) ? undefined : defaultValue;
  checkDefaultType(name, type, literalDefault, options.default?.node, source, problems);
  return {
    parameter: {
      name,
      type,
      ...(literalDefault !== undefined ? { default: literalDefault } : {}),
      ...(options.default ? { defaultText: source.textOf(options.default.node) } : {}),
      ...(typeof help === "string" ? { help } : {}),
      required: options.required?.value === true || !options.default,
      range: source.rangeOf(member),
      nameRange: source.rangeOf(member.name),
    },
    problems,
  };
}

function parameterType(
  name: string,
  options: Record<string, { value: JsonValue; node: ts.Expression }>,
  member: ts.PropertyDeclaration,
  source: SourceText,
  problems: Problem[],
): ParameterType {
  const declared = options.type;
  if (declared) {
    if (typeof declared.value === "string" && PARAMETER_TYPES.has(declared.value))
      return declared.value as ParameterType;
    problems.push({
      message: `the type of parameter \`${name}\` must be "number", "string", "boolean" or "json"`,
      range: source.rangeOf(declared.node),
    });
  }
  const value = options.default?.value;
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean")
    return typeof value as ParameterType;
  if (value !== undefined && value !== null && !isExpressionValue(value)) return "json";
  return annotatedType(member) ?? "string";
}

/** `seed: number = param(...)`: the annotation names the type when the default cannot. */
function annotatedType(member: ts.PropertyDeclaration): ParameterType | undefined {
  switch (member.type?.kind) {
    case ts.SyntaxKind.NumberKeyword:
      return "number";
    case ts.SyntaxKind.StringKeyword:
      return "string";
    case ts.SyntaxKind.BooleanKeyword:
      return "boolean";
    case undefined:
      return undefined;
    default:
      return "json";
  }
}

function checkDefaultType(
  name: string,
  type: ParameterType,
  value: JsonValue | undefined,
  node: ts.Expression | undefined,
  source: SourceText,
  problems: Problem[],
) {
  if (value === undefined || value === null || !node || type === "json") return;
  if (typeof value !== type) {
    problems.push({
      message: `the default of parameter \`${name}\` is a ${typeof value}, but its type is ${type}`,
      range: source.rangeOf(node),
    });
  }
}
