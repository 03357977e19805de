import type { CliIO } from "./io";

/** One `tsflow` subcommand: its help and its entry point, which returns the exit code. */
export interface Command {
  name: string;
  /** One line for `tsflow --help`. */
  summary: string;
  /** The full text of `tsflow NAME --help`. */
  help: string;
  run(argv: string[], io: CliIO): Promise<number> | number;
}
