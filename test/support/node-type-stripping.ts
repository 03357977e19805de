import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Whether a Node version runs .ts files with `--experimental-strip-types` (22.6 and newer). */
export function stripsTypes(version: string): boolean {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  return major > 22 || (major === 22 && minor >= 6);
}

/**
 * A Node that can run a .ts file with `--experimental-strip-types`: this one when it is new enough,
 * else the e2e tier's Node 24, the npm registry's `node-linux-<arch>` package, installed as
 * test/e2e/lib/tools.sh installs it and into the same cache, so either one reuses the other's.
 * Undefined where no such package exists (not Linux on x64 or arm64).
 */
export function nodeThatStripsTypes(): string | undefined {
  if (stripsTypes(process.version)) return process.execPath;
  const tools = readFileSync(join(__dirname, "..", "e2e", "lib", "tools.sh"), "utf8");
  const version = /^E2E_NODE_VERSION=(\S+)$/m.exec(tools)?.[1];
  const arch = { x64: "x64", arm64: "arm64" }[process.arch as string];
  if (!version || !arch || process.platform !== "linux") return undefined;
  const cache = process.env.TSFLOW_E2E_CACHE ?? join(homedir(), ".cache", "tsflow-e2e");
  const prefix = join(cache, `node-${version}`);
  const node = join(prefix, "node_modules", `node-linux-${arch}`, "bin", "node");
  if (existsSync(join(prefix, ".complete")) && existsSync(node)) return node;
  rmSync(prefix, { recursive: true, force: true });
  mkdirSync(prefix, { recursive: true });
  writeFileSync(join(prefix, "package.json"), '{ "private": true }\n');
  // --ignore-scripts: the package's tarball holds bin/node; its install script only fetches it again.
  execFileSync(
    "npm",
    [
      "install",
      "--prefix",
      prefix,
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--loglevel=error",
      `node-linux-${arch}@${version}`,
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  writeFileSync(join(prefix, ".complete"), "");
  return node;
}
