import { closestName } from "../graph/checks/check";
import { UsageError } from "./args";
import type { Command } from "./command";
import { checkCommand } from "./commands/check";
import { codeCommand } from "./commands/code";
import { initCommand } from "./commands/init";
import { datastoreCommand } from "./commands/datastore";
import { doctorCommand } from "./commands/doctor";
import { dumpCommand } from "./commands/dump";
import { logsCommand } from "./commands/logs";
import { resumeCommand } from "./commands/resume";
import { runCommand } from "./commands/run";
import { runsCommand } from "./commands/runs";
import { showCommand } from "./commands/show";
import { stepCommand } from "./commands/step";
import { tagCommand } from "./commands/tag";
import { EXIT } from "./exit-codes";
import type { CliIO } from "./io";
import { VERSION } from "./version";
import { isTsflowError } from "../errors";

const COMMANDS: Command[] = [
  runCommand,
  resumeCommand,
  checkCommand,
  showCommand,
  runsCommand,
  dumpCommand,
  logsCommand,
  codeCommand,
  tagCommand,
  doctorCommand,
  datastoreCommand,
  initCommand,
  stepCommand,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: tsflow COMMAND [ARGS]

TSFlow runs data and ML workflows written as TypeScript classes.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Options:
  -h, --help     show help (also: tsflow COMMAND --help)
  -v, --version  print the version

Run \`tsflow COMMAND --help\` for a command's options.
`;
}

/**
 * The CLI's boundary: runs one command and turns every known error into a one-line message and an
 * exit code. Only a bug in TSFlow itself prints a stack trace.
 */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.stdout(topic ? topic.help : overview());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version" || name === "-v") {
    io.stdout(`tsflow ${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (!command) throw new UsageError(unknownCommand(name));
    if (!command.handlesHelp && (rest.includes("--help") || rest.includes("-h"))) {
      io.stdout(command.help);
      return EXIT.ok;
    }
    return await command.run(rest, io);
  } catch (error) {
    if (!isTsflowError(error)) throw error;
    io.stderr(`tsflow: ${error.message}\n`);
    // A mistake in what the user typed (a flag, a path, a pathspec) is a usage error.
    return error.code === "usage" || error.code === "not-found" ? EXIT.usage : EXIT.failed;
  }
}

function unknownCommand(name: string): string {
  if (name.startsWith("-")) return `unknown option '${name}': run \`tsflow --help\``;
  const guess = closestName(
    name,
    COMMANDS.map((c) => c.name),
  );
  return `unknown command '${name}'${guess ? `: did you mean '${guess}'?` : ""} Run \`tsflow --help\` for the commands.`;
}
