import type { Workbench } from "../browser";

/**
 * One thing a user does in VS Code and what they must see. The runner (test/e2e/ui.ts) opens the
 * e2e workspace once, resets the window before each scenario (editors closed unsaved, panel hidden)
 * and saves a screenshot named after the scenario when it ends, whether it passed or failed.
 */
export interface Scenario {
  /** kebab-case: the screenshot's file name, and what TSFLOW_E2E_GREP matches. */
  name: string;
  /** Throws when the user would not see what they should; `shot` saves an extra screenshot. */
  run(workbench: Workbench, shot: (label: string) => Promise<void>): Promise<void>;
}
