// Runs the browser scenarios (scenarios/index.ts) in one workbench, each from a reset window, and
// saves a screenshot of each in TSFLOW_E2E_OUT. Exits 1 if any fails.
// Usage (through run.sh): node --import tsx test/e2e/ui.ts WORKSPACE
import { relative } from "node:path";
import { E2E, launchBrowser, Workbench } from "./browser";
import { scenarios } from "./scenarios";

async function main(folder: string): Promise<number> {
  const selected = scenarios.filter((scenario) => !E2E.grep || E2E.grep.test(scenario.name));
  if (selected.length === 0) {
    console.log(`no scenario matches ${String(E2E.grep)}`);
    return 0;
  }
  const browser = await launchBrowser("ui-console");
  let failed = 0;
  try {
    const workbench = new Workbench(browser.page);
    const opened = Date.now();
    await workbench.open(folder);
    console.log(`  workbench ready in ${Date.now() - opened} ms`);
    for (const [index, scenario] of selected.entries()) {
      const name = `${String(index + 1).padStart(2, "0")}-${scenario.name}`;
      const started = Date.now();
      let failure: string | undefined;
      try {
        await workbench.reset();
        await scenario.run(workbench, (label) => workbench.screenshot(`${name}-${label}`).then(() => undefined));
      } catch (error) {
        failure = error instanceof Error ? (error.stack ?? error.message) : JSON.stringify(error);
      }
      const shot = await workbench.screenshot(failure === undefined ? name : `${name}-FAILED`).then(
        (path) => relative(process.cwd(), path),
        () => "(no screenshot)",
      );
      const took = `${((Date.now() - started) / 1000).toFixed(1)}s`;
      if (failure === undefined) console.log(`  ✓ ${scenario.name} (${took})  ${shot}`);
      else {
        failed++;
        console.log(`  ✗ ${scenario.name} (${took})  ${shot}`);
        console.log(`    ${failure.split("\n").join("\n    ")}`);
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`  ${selected.length - failed} passing, ${failed} failing`);
  return failed === 0 ? 0 : 1;
}

const folder = process.argv[2];
if (!folder) throw new Error("usage: ui.ts WORKSPACE");
main(folder).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
