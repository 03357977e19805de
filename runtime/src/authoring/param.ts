/** How `--name VALUE` is parsed: `integer` refuses `2.5`, `json` takes any JSON value. */
export type ParamType = "number" | "integer" | "string" | "boolean" | "json";

interface CommonOptions {
  /** Shown by `tsflow run FILE --help`. */
  help?: string;
  required?: boolean;
}

export interface ParamOptions<T> extends CommonOptions {
  /**
   * The value when the run does not set `--name`; without one the parameter is required. Any
   * expression (`Date.now() % 7`, `computeDefault()`) is evaluated once, when the run starts.
   */
  default?: T;
  /** How `--name VALUE` is parsed; by default the type of `default`. */
  type?: ParamType;
  /** Lists the only values the parameter may take: see {@link ChoiceOptions}. */
  choices?: never;
}

/** A parameter that takes one of `choices`: `param({ choices: ["a", "b"], default: "a" })`. */
export interface ChoiceOptions<C extends readonly (string | number)[]> extends CommonOptions {
  choices: C;
  default?: C[number];
  type?: ParamType;
}

/** A whole-number parameter: `param.int({ default: 2 })`. */
export interface IntOptions extends CommonOptions {
  default?: number;
}

/**
 * A parameter naming a file whose content the run keeps (Metaflow's IncludeFile): `--data ./x.csv`
 * reads the file when the run starts and stores its content as an artifact.
 */
export interface FileOptions<E extends "utf8" | "binary" = "utf8"> extends CommonOptions {
  /** The file read when the run does not set `--name`, relative to where `tsflow run` runs. */
  default?: string;
  /** "utf8" (the default) gives a string, "binary" a Uint8Array. */
  encoding?: E;
}

export const PARAM: unique symbol = Symbol("tsflow.param");

/** What a parameter field holds until the runtime replaces it by the run's value. */
export interface ParamMarker<T> {
  [PARAM]: Omit<ParamOptions<T>, "choices"> & {
    choices?: readonly unknown[];
    kind?: "file";
    encoding?: "utf8" | "binary";
  };
}

/** `param(...)`, `param.int(...)` and `param.file(...)`: see {@link param}. */
export interface Param {
  <const C extends readonly (string | number)[]>(options: ChoiceOptions<C>): C[number];
  <T>(options: ParamOptions<T>): T;
  /** A whole-number parameter: `--rounds 2.5` is refused. */
  int(options: IntOptions): number;
  /** A file whose content (a string, or a Uint8Array with `encoding: "binary"`) the run keeps. */
  file(options: FileOptions<"utf8">): string;
  file(options: FileOptions<"binary">): Uint8Array;
}

function marker<T>(options: ParamMarker<T>[typeof PARAM]): T {
  const value: ParamMarker<T> = { [PARAM]: options };
  return value as unknown as T;
}

/**
 * Declares a run parameter: `alpha = param({ default: 0.01, help: "learning rate" })`. Typed as
 * the value so steps read `this.alpha` as a number; fixed for the whole run. `choices` limits the
 * values (`param({ choices: ["a", "b"], default: "a" })` is typed `"a" | "b"`); `param.int` takes
 * whole numbers; `param.file` keeps a file's content.
 */
export const param: Param = Object.assign(<T>(options: ParamMarker<T>[typeof PARAM]): T => marker<T>(options), {
  int: (options: IntOptions): number => marker<number>({ ...options, type: "integer" }),
  file: ((options: FileOptions<"utf8" | "binary">) =>
    marker<string | Uint8Array>({ ...options, kind: "file" })) as Param["file"],
});

export function isParamMarker(value: unknown): value is ParamMarker<unknown> {
  return typeof value === "object" && value !== null && PARAM in value;
}
