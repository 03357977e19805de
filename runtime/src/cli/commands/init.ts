import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { TsflowError } from "../../errors";
import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import type { CliIO } from "../io";
import {
  flowClassName,
  GITIGNORE,
  mergePackageJson,
  packageJson,
  projectManifest,
  starterFlow,
  tsconfig,
  type ProjectManifest,
} from "../../project/init-files";
import { tsflowDependencySpec } from "../../project/install-spec";
import { shellQuote } from "../../format/command-hint";

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
  package.json     an ES module package; scripts: npm start (runs flow.ts), npm run check,
                   npm run show; devDependencies: @types/node, and tsflow itself when this
                   tsflow is installed in a project (else \`tsflow\` comes from the PATH)
  .gitignore       keeps the .tsflow datastore out of git

Files that exist are kept as they are, but for package.json, which gains the scripts and
devDependencies it lacks. Then \`npm install && npm start\` runs the starter flow.

Options:
  -h, --help   show this help
`,
  run(argv, io) {
    const { positionals } = parseCommandArgs("init", argv, {}, 1);
    const dir = resolve(io.cwd, positionals[0] ?? ".");
    if (existsSync(dir) && !statSync(dir).isDirectory())
      throw new TsflowError("usage", `init: ${positionals[0]} exists and is not a folder`);
    mkdirSync(dir, { recursive: true });
    // In a bundle __dirname is the package's dist/.
    const manifest = projectManifest(tsflowDependencySpec(dirname(__dirname), dir));
    const files: Record<string, () => string> = {
      "flow.ts": () => starterFlow(flowClassName(dir)),
      "tsconfig.json": () => tsconfig({ nodeTypes: true }),
      "package.json": () => packageJson(dir, manifest),
      ".gitignore": () => GITIGNORE,
    };
    const shown = relative(io.cwd, dir) || ".";
    for (const [name, content] of Object.entries(files)) {
      const path = join(dir, name);
      if (name === "package.json" && existsSync(path)) completePackageJson(path, join(shown, name), manifest, io);
      else if (existsSync(path)) io.stdout(`kept     ${join(shown, name)} (it exists)\n`);
      else {
        writeFileSync(path, content());
        io.stdout(`created  ${join(shown, name)}\n`);
      }
    }
    const types = join(dir, "types", "tsflow");
    cpSync(authoringTypes(), types, { recursive: true });
    io.stdout(`updated  ${join(shown, "types", "tsflow")} (the types of "tsflow" and "tsflow/client")\n`);
    const next = manifest.devDependencies.tsflow ? "npm install && npm start" : "tsflow run flow.ts";
    io.stdout(`\nNext: ${shown === "." ? "" : `cd ${shellQuote(shown)} && `}${next}\n`);
    return EXIT.ok;
  },
};

/** Adds to an existing package.json the scripts and dev dependencies it lacks, and says which. */
function completePackageJson(path: string, shown: string, manifest: ProjectManifest, io: CliIO): void {
  const merged = mergePackageJson(readFileSync(path, "utf8"), manifest);
  if (merged === undefined) io.stdout(`kept     ${shown} (it exists, and is not a JSON object)\n`);
  else if (merged.added.length === 0) io.stdout(`kept     ${shown} (it exists)\n`);
  else {
    writeFileSync(path, merged.text);
    io.stdout(`updated  ${shown} (added ${merged.added.join(", ")})\n`);
  }
}

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
