import { cpSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { TsflowError } from "../../errors";
import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import { flowClassName, GITIGNORE, packageJson, starterFlow, tsconfig } from "../../project/init-files";

export const initCommand: Command = {
  name: "init",
  summary: "start a project: a starter flow, and the tsconfig that gives an editor TSFlow's types",
  help: `Usage: tsflow init [DIR]

Writes into DIR (default: the current folder, created if missing):
  flow.ts          a starter flow: a parameter, a foreach and its join
  tsconfig.json    TypeScript settings for flows, with "tsflow" and "tsflow/client"
                   mapped to types/tsflow
  types/tsflow/    the declarations of the "tsflow" and "tsflow/client" modules, so an
                   editor knows them with nothing installed
  package.json     scripts: npm start (run), npm run check, npm run show
  .gitignore       keeps the .tsflow datastore out of git

Files that exist are kept as they are; only what is missing is written.

Options:
  -h, --help   show this help
`,
  run(argv, io) {
    const { positionals } = parseCommandArgs("init", argv, {}, 1);
    const dir = resolve(io.cwd, positionals[0] ?? ".");
    if (existsSync(dir) && !statSync(dir).isDirectory())
      throw new TsflowError("usage", `init: ${positionals[0]} exists and is not a folder`);
    mkdirSync(dir, { recursive: true });
    const files: Record<string, () => string> = {
      "flow.ts": () => starterFlow(flowClassName(dir)),
      "tsconfig.json": tsconfig,
      "package.json": () => packageJson(dir),
      ".gitignore": () => GITIGNORE,
    };
    const shown = relative(io.cwd, dir) || ".";
    for (const [name, content] of Object.entries(files)) {
      const path = join(dir, name);
      if (existsSync(path)) io.stdout(`kept     ${join(shown, name)} (it exists)\n`);
      else {
        writeFileSync(path, content());
        io.stdout(`created  ${join(shown, name)}\n`);
      }
    }
    const types = join(dir, "types", "tsflow");
    cpSync(authoringTypes(), types, { recursive: true });
    io.stdout(`updated  ${join(shown, "types", "tsflow")} (the types of "tsflow" and "tsflow/client")\n`);
    io.stdout(`\nNext: ${shown === "." ? "" : `cd ${shown} && `}tsflow run flow.ts\n`);
    return EXIT.ok;
  },
};

/** The declarations the build writes beside the CLI bundle (dist/types). */
function authoringTypes(): string {
  for (const candidate of [join(__dirname, "types"), join(__dirname, "..", "..", "..", "..", "dist", "types")]) {
    if (existsSync(join(candidate, "index.d.ts"))) return candidate;
  }
  throw new TsflowError(
    "internal",
    "the tsflow type declarations are missing from this installation: rebuild it (npm run build)",
  );
}
