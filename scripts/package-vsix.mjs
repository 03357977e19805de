// Packages the VS Code extension as a .vsix with @vscode/vsce, from the bundles in dist/ (run
// `npm run build` first; `npm run package` does both).
//
//   node scripts/package-vsix.mjs [--out FILE] [--list]
//
// package.json serves two packages: its "files" are the npm package's contents, .vscodeignore (an
// allow-list) the .vsix's. vsce refuses a manifest with both, so it packages a staged copy of the
// extension whose manifest has no "files". --list prints the files the .vsix holds instead.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The marketplace's practical limit for us: the target, checked here and printed by the bench. */
export const MAX_VSIX_BYTES = 8 * 1024 * 1024;

const args = process.argv.slice(2);
const list = args.includes("--list");
const outIndex = args.indexOf("--out");
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const out = resolve(outIndex >= 0 ? args[outIndex + 1] : join(ROOT, `${manifest.name}-${manifest.version}.vsix`));

if (!existsSync(join(ROOT, "dist", "extension.js"))) {
  console.error("package-vsix: dist/extension.js is missing: run `npm run build` first");
  process.exit(1);
}

const stage = mkdtempSync(join(tmpdir(), "tsflow-vsix-"));
try {
  for (const name of [".vscodeignore", "LICENSE", "media", "dist"]) {
    if (existsSync(join(ROOT, name))) cpSync(join(ROOT, name), join(stage, name), { recursive: true });
  }
  // The README's screenshots and its links to other files (the user guide) are files of the
  // repository, and with no repository URL yet vsce can link them from nowhere (it refuses to
  // package): the .vsix's README goes without the screenshots, and keeps the links' text.
  const readme = readFileSync(join(ROOT, "README.md"), "utf8")
    .replace(/^!\[[^\]]*\]\((?!https?:)[^)]*\)\n\n?/gm, "")
    .replace(/\[([^\]]+)\]\((?!https?:|#)[^)]*\)/g, "$1");
  writeFileSync(join(stage, "README.md"), readme);
  const extension = { ...manifest };
  delete extension.files;
  writeFileSync(join(stage, "package.json"), `${JSON.stringify(extension, null, 2)}\n`);
  const vsce = join(ROOT, "node_modules", "@vscode", "vsce", "vsce");
  if (list) {
    const files = execFileSync(process.execPath, [vsce, "ls", "--no-dependencies"], { cwd: stage, encoding: "utf8" });
    process.stdout.write(files);
  } else {
    // No repository or LICENSE yet: vsce's marketplace checks would refuse the package for that alone.
    const waivers = ["--allow-missing-repository", ...(existsSync(join(ROOT, "LICENSE")) ? [] : ["--skip-license"])];
    execFileSync(process.execPath, [vsce, "package", "--no-dependencies", ...waivers, "--out", out], {
      cwd: stage,
      stdio: ["ignore", "ignore", "inherit"],
    });
    const bytes = statSync(out).size;
    const mb = (bytes / 1024 / 1024).toFixed(2);
    console.log(`package-vsix: ${out} (${mb} MB; at most ${MAX_VSIX_BYTES / 1024 / 1024} MB)`);
    if (bytes > MAX_VSIX_BYTES) {
      console.error(`package-vsix: the .vsix is ${mb} MB, over the ${MAX_VSIX_BYTES / 1024 / 1024} MB target`);
      process.exitCode = 1;
    }
  }
} finally {
  rmSync(stage, { recursive: true, force: true });
}
