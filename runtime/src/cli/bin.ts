import { main } from "./main";
import { processIO } from "./io";

// The `tsflow` executable. Exit through exitCode so buffered output is flushed first.
main(process.argv.slice(2), processIO()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `tsflow: internal error, please report it with this trace:\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 70;
  },
);
