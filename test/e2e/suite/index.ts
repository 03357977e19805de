// The extension-host test runner, in the contract of @vscode/test-electron (and of code-server's
// smoke-test driver): the host loads this module from extensionTestsPath and awaits run(), which
// rejects when a test fails. Runs every *.test.js bundled beside it.
// Environment: TSFLOW_E2E_GREP runs only the tests whose title matches; TSFLOW_E2E_RESULTS names a
// file for a JSON summary.
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Mocha from "mocha";

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: "tdd", color: false, reporter: "spec", timeout: 60_000, slow: 5_000 });
  if (process.env.TSFLOW_E2E_GREP) mocha.grep(process.env.TSFLOW_E2E_GREP);
  for (const file of readdirSync(__dirname).sort()) {
    if (file.endsWith(".test.js")) mocha.addFile(join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const stats = runner.stats;
      const results = process.env.TSFLOW_E2E_RESULTS;
      if (results) {
        const summary = { tests: stats?.tests, passes: stats?.passes, failures, duration: stats?.duration };
        writeFileSync(results, JSON.stringify(summary, null, 2) + "\n");
      }
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else if (!stats?.tests && !process.env.TSFLOW_E2E_GREP) reject(new Error("no extension-host test ran"));
      else resolve();
    });
  });
}
