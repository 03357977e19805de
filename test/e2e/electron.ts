// The extension-host suite in desktop VS Code, through @vscode/test-electron, for machines that can
// download VS Code (this one cannot: run.sh runs the same suite in code-server). The extension is
// the working tree (extensionDevelopmentPath = the repository), so build first:
//   npm run test:e2e:electron          (on Linux without a display: xvfb-run -a npm run test:e2e:electron)
// Environment: TSFLOW_E2E_VSCODE_VERSION (default "stable"), TSFLOW_E2E_CACHE (where VS Code is
// downloaded, default ~/.cache/tsflow-e2e), TSFLOW_E2E_VSCODE_EXECUTABLE (a VS Code already installed:
// no download), TSFLOW_E2E_GREP (only the matching tests).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { runTests } from "@vscode/test-electron";
import { buildSuite } from "./build-suite";
import { makeWorkspace, REPO } from "./workspace";

async function main(): Promise<number> {
  const suite = await buildSuite();
  const scratch = mkdtempSync(join(tmpdir(), "tsflow-e2e-electron-"));
  const out = join(REPO, "test-results", "e2e-electron");
  mkdirSync(out, { recursive: true });
  try {
    const workspace = makeWorkspace(join(scratch, "flows"));
    const cache = process.env.TSFLOW_E2E_CACHE || join(homedir(), ".cache", "tsflow-e2e");
    return await runTests({
      vscodeExecutablePath: process.env.TSFLOW_E2E_VSCODE_EXECUTABLE || undefined,
      version: process.env.TSFLOW_E2E_VSCODE_VERSION || "stable",
      cachePath: join(cache, "vscode-test"),
      extensionDevelopmentPath: REPO,
      extensionTestsPath: suite,
      extensionTestsEnv: {
        TSFLOW_E2E_RESULTS: join(out, "host-tests.json"),
        TSFLOW_E2E_GREP: process.env.TSFLOW_E2E_GREP,
      },
      launchArgs: [
        workspace,
        // Only the extension under test (built-in ones stay), in a profile of its own.
        "--disable-extensions",
        `--user-data-dir=${join(scratch, "user-data")}`,
        `--extensions-dir=${join(scratch, "extensions")}`,
      ],
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
