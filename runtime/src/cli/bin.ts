import { main } from "./main";
import { processIO } from "./io";

// A reader that stops early (`tsflow dump RUN | head`) closes the pipe: stop quietly, as cat does.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(0);
});

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
