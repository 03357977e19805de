import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Run, type RunCode } from "../../client";
import { TsflowError } from "../../errors";
import { parseCommandArgs, UsageError } from "../args";
import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import { formatBytes, printable } from "../format/units";
import type { CliIO } from "../io";
import { DATASTORE_HELP, DATASTORE_OPTION, pathspecArgument, useClient } from "../read-setup";

const HELP = `Usage: tsflow code FLOW/RUN [DIR] [--json]

The code a run ran: the flow file and the local modules it imports, as they were
when the run started (every run keeps them in the datastore, as its code package).
Paths are relative to the flow's project folder (the nearest folder with a
package.json or .git). Without DIR, lists the files; with DIR, writes them there,
into a folder that does not exist yet or is empty (nothing is overwritten).
Modules imported from outside the project folder or from node_modules are not kept:
they are named on stderr.

Options:
  --json                print { "pathspec", "entry", "files": [ { "path", "size",
                        "text" } ], "omitted": [ PATH ] }
${DATASTORE_HELP}
  -h, --help            show this help

Exit codes: 0 done, 1 the datastore is damaged (a file of the package no longer
matches its SHA-256) or DIR is not empty, 2 a usage error (bad or unknown PATHSPEC,
or a run recorded before TSFlow kept code packages).
`;

/** `tsflow code`: lists a run's code package or writes its files to a folder. */
export const codeCommand: Command = {
  name: "code",
  summary: "list or write out the code a run ran",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      "code",
      argv,
      { json: { type: "boolean" }, ...DATASTORE_OPTION },
      2,
    );
    const pathspec = pathspecArgument("code", positionals[0], "a run pathspec", [2]).join("/");
    // A pathspec names its run outright, so every namespace is searched.
    useClient(io, values["datastore-root"], null);
    const code = await (await Run(pathspec)).code();
    if (!code) throw new UsageError(`code: ${pathspec} was recorded before TSFlow kept each run's code`);
    for (const path of code.omitted) io.stderr(`tsflow: not kept (outside the project folder): ${printable(path)}\n`);
    if (values.json) io.stdout(JSON.stringify({ pathspec, ...code }) + "\n");
    else if (positionals[1] === undefined) io.stdout(listing(code));
    else writeFiles(code, resolve(io.cwd, positionals[1]), pathspec, io);
    return EXIT.ok;
  },
};

/** One line per file, the flow file marked, sizes aligned. */
function listing(code: RunCode): string {
  const sizes = code.files.map((file) => formatBytes(Buffer.byteLength(file.text)));
  const width = Math.max(0, ...sizes.map((size) => size.length));
  const lines = code.files.map(
    (file, i) => `${sizes[i].padStart(width)}  ${printable(file.path)}${file.path === code.entry ? "  (flow)" : ""}`,
  );
  return lines.join("\n") + "\n";
}

/** Writes every file under `dir`, which must be new or empty: a user's files are never overwritten. */
function writeFiles(code: RunCode, dir: string, pathspec: string, io: CliIO): void {
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) throw new UsageError(`code: ${dir} is a file, not a folder`);
  if (stat && readdirSync(dir).length > 0) {
    throw new TsflowError("refused", `code: ${dir} is not empty: name a new or empty folder`, dir);
  }
  // The manifest's paths were checked when it was read: each stays inside `dir`.
  for (const file of code.files) {
    const target = join(dir, ...file.path.split("/"));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.text);
  }
  const count = code.files.length === 1 ? "1 file" : `${code.files.length} files`;
  io.stdout(`Wrote ${count} of ${pathspec} to ${dir} (the flow: ${printable(code.entry)}).\n`);
}
