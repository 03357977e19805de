import { PARAM, type ParamMarker } from "../../authoring/param";
import { describeValue } from "../../datastore/serialize";
import { TsflowError } from "../../errors";
import type { JsonValue } from "../../graph/model";
import { valueProblem } from "../../graph/parameter-text";

/**
 * The value of a parameter whose default is an expression (`default: Date.now() % 7`): the flow
 * module evaluated it when the run's first task built the flow, and the run keeps that value. It
 * must be one a run record can hold and fit the parameter's declared type and choices.
 */
export function evaluatedDefault(name: string, marker: ParamMarker<unknown>): JsonValue {
  const options = marker[PARAM];
  const value = options.default;
  if (!isJsonValue(value)) {
    throw new TsflowError(
      "parameter-default",
      `the default of parameter \`${name}\` evaluated to ${value === undefined ? "undefined" : `a ${describeValue(value)}`}, which a run's parameters cannot hold: make it a number, a string, a boolean, or an array or plain object of those`,
    );
  }
  const choices = options.choices as JsonValue[] | undefined;
  const problem = valueProblem(options.type ?? "json", choices, value);
  if (problem) throw new TsflowError("parameter-default", `the default of parameter \`${name}\` ${problem}`);
  return value;
}

function isJsonValue(value: unknown): value is JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonValue);
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)
    return Object.values(value).every(isJsonValue);
  return false;
}
