export type ParamType = "number" | "string" | "boolean" | "json";

export interface ParamOptions<T> {
  /** The value when the run does not set `--name`; without one the parameter is required. */
  default?: T;
  /** Shown by `tsflow run FILE --help`. */
  help?: string;
  /** How `--name VALUE` is parsed; by default the type of `default`. */
  type?: ParamType;
  required?: boolean;
}

export const PARAM: unique symbol = Symbol("tsflow.param");

/** What a parameter field holds until the runtime replaces it by the run's value. */
export interface ParamMarker<T> {
  [PARAM]: ParamOptions<T>;
}

/**
 * Declares a run parameter: `alpha = param({ default: 0.01, help: "learning rate" })`. Typed as
 * the value so steps read `this.alpha` as a number; fixed for the whole run.
 */
export function param<T>(options: ParamOptions<T>): T {
  const marker: ParamMarker<T> = { [PARAM]: options };
  return marker as unknown as T;
}

export function isParamMarker(value: unknown): value is ParamMarker<unknown> {
  return typeof value === "object" && value !== null && PARAM in value;
}
