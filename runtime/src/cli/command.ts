import type { CliIO } from "./io";

/** One `tsflow` subcommand: its help and its entry point, which returns the exit code. */
export interface Command {
  name: string;
  /** One line for `tsflow --help`. */
  summary: string;
  /** The full text of `tsflow NAME --help`. */
  help: string;
  /** True when `--help` depends on the arguments (`tsflow run FILE --help` lists FILE's parameters). */
  handlesHelp?: boolean;
  run(argv: string[], io: CliIO): Promise<number> | number;
}
