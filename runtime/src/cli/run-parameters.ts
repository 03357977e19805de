import type { JsonValue, Parameter } from "../graph/model";
import { defaultText, valueName } from "../graph/parameter-text";
import { UsageError } from "./args";

/** `learningRate` is also accepted as `--learning-rate`. */
export function flagNames(parameter: Parameter): string[] {
  const kebab = parameter.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return kebab === parameter.name ? [parameter.name] : [parameter.name, kebab];
}

/**
 * Reads `--NAME VALUE` for each parameter of the flow from `argv` (the rest, already stripped of
 * the run's own options) and parses each to its type. An unknown flag, a value of the wrong type or
 * outside the parameter's choices, or a missing required parameter is a usage error that names the
 * parameter. A default computed at run time is left out: the run's first task evaluates it. A file
 * parameter's value is its path, which the run reads (run-files.ts).
 */
export function parseParameters(command: string, argv: string[], parameters: Parameter[]): Record<string, JsonValue> {
  const byFlag = new Map(parameters.flatMap((p) => flagNames(p).map((flag) => [flag, p] as const)));
  const given = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const match = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    const parameter = match && byFlag.get(match[1]);
    if (!match || !parameter) throw new UsageError(unknownArgument(command, arg, parameters));
    let value = match[2];
    if (value === undefined) {
      const next = argv[i + 1];
      if (parameter.type === "boolean" && (next === undefined || !/^(true|false|1|0|yes|no)$/i.test(next)))
        value = "true";
      else if (next === undefined)
        throw new UsageError(`${command}: parameter --${match[1]} needs a value (${parameter.type})`);
      else value = argv[++i];
    }
    given.set(parameter.name, value);
  }
  const values: Record<string, JsonValue> = {};
  for (const parameter of parameters) {
    const raw = given.get(parameter.name);
    if (raw !== undefined) values[parameter.name] = parseValue(command, parameter, raw);
    else if (parameter.default !== undefined) values[parameter.name] = parameter.default;
    else if (parameter.computedDefault) continue;
    else
      throw new UsageError(
        `${command}: parameter --${parameter.name} is required${parameter.help ? ` (${parameter.help})` : ""}`,
      );
  }
  return values;
}

function parseValue(command: string, parameter: Parameter, raw: string): JsonValue {
  const value = parseTyped(command, parameter, raw);
  if (parameter.choices && !parameter.choices.includes(value)) {
    const choices = parameter.choices.map((c) => (typeof c === "string" ? c : JSON.stringify(c))).join(", ");
    throw new UsageError(`${command}: --${parameter.name} takes one of ${choices}, not '${raw}'`);
  }
  return value;
}

function parseTyped(command: string, parameter: Parameter, raw: string): JsonValue {
  const fail = (expected: string) => new UsageError(`${command}: --${parameter.name} takes ${expected}, not '${raw}'`);
  switch (parameter.type) {
    case "integer": {
      const value = Number(raw);
      if (raw.trim() === "" || !Number.isSafeInteger(value)) throw fail("a whole number (it is an integer parameter)");
      return value;
    }
    case "number": {
      const value = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(value)) throw fail("a number");
      return value;
    }
    case "boolean":
      if (/^(true|1|yes)$/i.test(raw)) return true;
      if (/^(false|0|no)$/i.test(raw)) return false;
      throw fail("true or false");
    case "json":
      try {
        return JSON.parse(raw) as JsonValue;
      } catch {
        throw fail("a JSON value");
      }
    default:
      return raw;
  }
}

function unknownArgument(command: string, arg: string, parameters: Parameter[]): string {
  const names = parameters.map((p) => `--${p.name}`).join(", ");
  const known = names ? `the flow's parameters are ${names}` : "the flow has no parameters";
  return arg.startsWith("-")
    ? `${command}: unknown option '${arg}': ${known}`
    : `${command}: unexpected argument '${arg}'`;
}

/** The parameters section of `tsflow run FILE --help`. */
export function parametersHelp(flow: string, parameters: Parameter[]): string {
  if (parameters.length === 0) return `${flow} has no parameters.\n`;
  const rows = parameters.map((p) => [`  --${flagNames(p).at(-1)!} ${valueName(p)}`, defaultText(p), p.help ?? ""]);
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
  return `Parameters of ${flow}:\n${rows.map((r) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2]}`.trimEnd()).join("\n")}\n`;
}
