import { parseArgs, type ParseArgsConfig } from "node:util";
import { TsflowError } from "../errors";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

type OptionValue<S> = S extends { type: "boolean" }
  ? S extends { multiple: true }
    ? boolean[]
    : boolean
  : S extends { multiple: true }
    ? string[]
    : string;

export interface ParsedArgs<O extends OptionSpec> {
  values: { [K in keyof O]?: OptionValue<O[K]> };
  positionals: string[];
}

/** A mistake in how the command was called: printed as one line, exit code 2. */
export class UsageError extends TsflowError {
  constructor(message: string) {
    super("usage", message);
  }
}

/**
 * Parses a command's arguments strictly: unknown flags, missing values and surplus positionals are
 * usage errors that name the argument, never a stack trace.
 */
export function parseCommandArgs<O extends OptionSpec>(
  command: string,
  argv: string[],
  options: O,
  maxPositionals: number,
): ParsedArgs<O> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${describeParseError(error)}`);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`${command}: unexpected argument '${parsed.positionals[maxPositionals]}'`);
  }
  return parsed;
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // node's messages carry advice about `--` that does not fit here; keep their first sentence.
  const first = message.split(/\. (?=[A-Z])/)[0].replace(/\.$/, "");
  return first.replace(/^Unknown option/, "unknown option").replace(/^Option/, "option");
}
