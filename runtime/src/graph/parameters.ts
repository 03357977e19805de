import { ts } from "./typescript";
import { closestName } from "./checks/check";
import type { ParameterFacts, Problem } from "./facts";
import type { TsflowBindings } from "./imports";
import { isExpressionValue, literalValue, propertyNameText, skipParentheses } from "./literals";
import type { JsonValue, Parameter, ParameterType } from "./model";
import { valueProblem } from "./parameter-text";
import type { SourceText } from "./source";

const DECLARABLE_TYPES: ReadonlySet<string> = new Set(["number", "integer", "string", "boolean", "json"]);

/** Which `param` form declares the parameter: `param(...)`, `param.int(...)` or `param.file(...)`. */
export type ParamForm = "param" | "int" | "file";

/** The options each form takes. */
const OPTION_KEYS: Record<ParamForm, readonly string[]> = {
  param: ["default", "help", "type", "required", "choices"],
  int: ["default", "help", "required"],
  file: ["default", "help", "required", "encoding"],
};

export interface ParamCall {
  call: ts.CallExpression;
  form: ParamForm;
}

type Options = Record<string, { value: JsonValue; node: ts.Expression }>;

/** The `param(...)`, `param.int(...)` or `param.file(...)` call a field is initialised with, if it is one. */
export function paramCall(member: ts.PropertyDeclaration, bindings: TsflowBindings): ParamCall | undefined {
  const init = member.initializer && skipParentheses(member.initializer);
  if (!init || !ts.isCallExpression(init)) return undefined;
  if (bindings.resolve(init.expression) === "param") return { call: init, form: "param" };
  const callee = init.expression;
  if (
    ts.isPropertyAccessExpression(callee) &&
    (callee.name.text === "int" || callee.name.text === "file") &&
    bindings.resolve(callee.expression) === "param"
  ) {
    return { call: init, form: callee.name.text };
  }
  return undefined;
}

/** Reads a parameter declaration into the graph's parameter and the problems of its options. */
export function readParameter(
  member: ts.PropertyDeclaration,
  name: string,
  { call, form }: ParamCall,
  source: SourceText,
): ParameterFacts {
  const problems: Problem[] = [];
  const problem = (message: string, node: ts.Node) => problems.push({ message, range: source.rangeOf(node) });
  const options = readOptions(name, call, form, source, problem);
  const choices = readChoices(name, options.choices, problem);
  const type = parameterType(name, form, options, choices, member, problem);
  const help = options.help?.value;
  if (options.help && typeof help !== "string")
    problem(`the help of parameter \`${name}\` must be a string literal`, options.help.node);
  const required = options.required;
  if (required && typeof required.value !== "boolean" && !isExpressionValue(required.value))
    problem(`\`required\` of parameter \`${name}\` must be true or false`, required.node);
  const encoding = readEncoding(name, form, options.encoding, problem);
  const defaultValue = options.default?.value;
  const computed = defaultValue !== undefined && !isStatic(defaultValue);
  const literalDefault = computed ? undefined : defaultValue;
  if (options.default) {
    if (computed && type === "file")
      problem(`the default of file parameter \`${name}\` must be a path as a string literal`, options.default.node);
    else checkDefault(name, type, literalDefault, choices, options.default.node, problem);
  }
  const parameter: Parameter = {
    name,
    type,
    ...(literalDefault !== undefined ? { default: literalDefault } : {}),
    ...(options.default ? { defaultText: source.textOf(options.default.node) } : {}),
    ...(computed && type !== "file" ? { computedDefault: true } : {}),
    ...(choices ? { choices } : {}),
    ...(encoding ? { encoding } : {}),
    ...(typeof help === "string" ? { help } : {}),
    required: options.required?.value === true || !options.default,
    range: source.rangeOf(member),
    nameRange: source.rangeOf(member.name),
  };
  return { parameter, problems };
}

function readOptions(
  name: string,
  call: ts.CallExpression,
  form: ParamForm,
  source: SourceText,
  problem: (message: string, node: ts.Node) => void,
): Options {
  const options: Options = {};
  const shown = form === "param" ? "param" : `param.${form}`;
  const arg = call.arguments[0] && skipParentheses(call.arguments[0]);
  if (!arg || !ts.isObjectLiteralExpression(arg) || call.arguments.length > 1) {
    problem(`parameter \`${name}\` takes one options object: \`${shown}({ default: ..., help: "..." })\``, call);
    return options;
  }
  const keys = OPTION_KEYS[form];
  for (const property of arg.properties) {
    const key = property.name && propertyNameText(property.name);
    if (key === undefined || !keys.includes(key) || !ts.isPropertyAssignment(property)) {
      const list = `${keys.slice(0, -1).join(", ")} or ${keys[keys.length - 1]}`;
      const meant = key === undefined ? undefined : closestName(key, keys);
      const hint = meant ? ` (did you mean \`${meant}\`?)` : "";
      problem(
        `unknown option \`${source.textOf(property)}\` of parameter \`${name}\`${hint}: ${shown} takes ${list}`,
        property,
      );
    } else {
      options[key] = { value: literalValue(property.initializer, source.file), node: property.initializer };
    }
  }
  return options;
}

/** `choices: ["a", "b"]`: a literal list of strings or numbers, at least one. */
function readChoices(
  name: string,
  option: Options[string] | undefined,
  problem: (message: string, node: ts.Node) => void,
): JsonValue[] | undefined {
  if (!option) return undefined;
  const value = option.value;
  const fine =
    Array.isArray(value) &&
    value.length > 0 &&
    (value.every((v) => typeof v === "string") || value.every((v) => typeof v === "number"));
  if (fine) return value;
  problem(
    `the choices of parameter \`${name}\` must be a literal list of strings or of numbers, e.g. \`choices: ["small", "large"]\``,
    option.node,
  );
  return undefined;
}

function readEncoding(
  name: string,
  form: ParamForm,
  option: Options[string] | undefined,
  problem: (message: string, node: ts.Node) => void,
): "utf8" | "binary" | undefined {
  if (form !== "file") return undefined;
  if (!option) return "utf8";
  if (option.value === "utf8" || option.value === "binary") return option.value;
  problem(`the encoding of file parameter \`${name}\` must be "utf8" or "binary"`, option.node);
  return "utf8";
}

function parameterType(
  name: string,
  form: ParamForm,
  options: Options,
  choices: JsonValue[] | undefined,
  member: ts.PropertyDeclaration,
  problem: (message: string, node: ts.Node) => void,
): ParameterType {
  if (form === "int") return "integer";
  if (form === "file") return "file";
  const declared = options.type;
  if (declared) {
    if (typeof declared.value === "string" && DECLARABLE_TYPES.has(declared.value))
      return declared.value as ParameterType;
    problem(
      `the type of parameter \`${name}\` must be "number", "integer", "string", "boolean" or "json"`,
      declared.node,
    );
  }
  const value = choices?.[0] ?? options.default?.value;
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean")
    return typeof value as ParameterType;
  if (value !== undefined && value !== null && isStatic(value)) return "json";
  // A default computed at run time could be anything: `--name VALUE` then takes JSON, unless an
  // annotation or `type` says more.
  return annotatedType(member) ?? (value !== undefined && value !== null ? "json" : "string");
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

function checkDefault(
  name: string,
  type: ParameterType,
  value: JsonValue | undefined,
  choices: JsonValue[] | undefined,
  node: ts.Expression,
  problem: (message: string, node: ts.Node) => void,
) {
  if (value === undefined || value === null) return;
  const mismatch = valueProblem(type, choices, value);
  if (mismatch) problem(`the default of parameter \`${name}\` ${mismatch}`, node);
}

/** Whether a literal value holds no expression anywhere inside (`[1, f()]` does). */
function isStatic(value: JsonValue): boolean {
  if (isExpressionValue(value)) return false;
  if (Array.isArray(value)) return value.every(isStatic);
  if (typeof value === "object" && value !== null) return Object.values(value).every(isStatic);
  return true;
}
