import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CLI = join(__dirname, "..", "..", "dist", "cli.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `tsflow` CLI as a real process, as a user's shell would. */
export function runCli(args: string[], cwd: string, env: Record<string, string> = {}): CliResult {
  assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", ...env },
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh temp directory, removed when the test ends. */
export function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-cli-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A temp directory holding a copy of `files` (name → path) or inline texts (name → { text }). */
export function workspace(
  t: { after(fn: () => void): void },
  files: Record<string, string | { text: string }>,
): string {
  const dir = tempDir(t);
  for (const [name, source] of Object.entries(files)) {
    if (typeof source === "string") cpSync(source, join(dir, name));
    else writeFileSync(join(dir, name), source.text);
  }
  return dir;
}

/** A user's mistake is one line on stderr: no stack trace, no blank noise. */
export function assertOneLineError(result: CliResult, pattern: RegExp): void {
  assert.equal(result.code, 2, `exit code 2 for a usage error; stderr: ${result.stderr}`);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line, got:\n${result.stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
}
