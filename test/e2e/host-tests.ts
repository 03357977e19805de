// Runs the extension-host suite (dist/test/e2e/index.js) inside code-server, the contract of
// @vscode/test-electron: the page opens the workbench with development options in its `payload`
// query parameter, the remote extension host loads the suite and awaits its run(), and the workbench
// reports the exit code through window.codeAutomationExit. code-server must run with
// `--vscode-option enable-smoke-test-driver`, or the workbench ignores the payload.
// Usage (through run.sh): node --import tsx test/e2e/host-tests.ts EXTENSION_DIR SUITE_INDEX WORKSPACE
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { format } from "node:util";
import { E2E, launchBrowser, workbenchUrl } from "./browser";

const TIMEOUT_MS = Number(process.env.TSFLOW_E2E_HOST_TIMEOUT_MS || 300_000);
// The workbench forwards its own console too: that goes to the log file only, and the terminal gets
// the mocha reporter's lines, which are blank or indented.
const REPORTER_LINE = /^(\s|$)/;
const WORKBENCH_STACK_LINE = /^\s+at .*https?:\/\//;

async function main(extensionPath: string, suiteIndex: string, folder: string): Promise<number> {
  // Paths on the server machine, as the remote authority that served the page names them.
  const remote = (path: string) => `vscode-remote://${new URL(E2E.url).host}${path}`;
  const environment = {
    TSFLOW_E2E_RESULTS: join(E2E.out, "host-tests.json"),
    ...(process.env.TSFLOW_E2E_GREP ? { TSFLOW_E2E_GREP: process.env.TSFLOW_E2E_GREP } : {}),
  };
  const payload = [
    ["extensionDevelopmentPath", remote(extensionPath)],
    ["extensionTestsPath", remote(suiteIndex)],
    ["extensionEnvironment", JSON.stringify(environment)],
  ];
  const browser = await launchBrowser("host-tests-console");
  try {
    const { page } = browser;
    let finish: (code: number | "timeout") => void = () => undefined;
    const exit = new Promise<number | "timeout">((resolve) => (finish = resolve));
    // Both must exist before the workbench loads: it looks them up when it starts.
    const log = join(E2E.out, "host-tests.log");
    await page.exposeFunction("codeAutomationLog", (_type: string, args: unknown[]) => {
      const text = format(...args);
      appendFileSync(log, `${text}\n`);
      for (const line of text.split("\n"))
        if (REPORTER_LINE.test(line) && !WORKBENCH_STACK_LINE.test(line)) console.log(line);
    });
    await page.exposeFunction("codeAutomationExit", (code: number) => finish(code));
    const timer = setTimeout(() => finish("timeout"), TIMEOUT_MS);
    await page.goto(workbenchUrl(folder, { payload: JSON.stringify(payload) }));
    const code = await exit;
    clearTimeout(timer);
    await page.screenshot({ path: join(E2E.out, "host-tests.png") }).catch(() => undefined);
    if (code === "timeout") console.log(`the extension-host tests did not finish in ${TIMEOUT_MS} ms`);
    if (code !== 0) console.log(`the workbench's whole log: ${log}`);
    return code === 0 ? 0 : 1;
  } finally {
    await browser.close();
  }
}

const [extensionPath, suiteIndex, folder] = process.argv.slice(2);
if (!extensionPath || !suiteIndex || !folder)
  throw new Error("usage: host-tests.ts EXTENSION_DIR SUITE_INDEX WORKSPACE");
main(extensionPath, suiteIndex, folder).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
