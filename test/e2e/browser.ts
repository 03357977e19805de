// Chromium (Debian's, driven by playwright-core) on the code-server that run.sh started, and the
// workbench as a user sees it: Quick Open, the command palette, the editor, the status bar, Problems.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import { basename, join } from "node:path";
import { chromium, type BrowserContext, type FrameLocator, type Locator, type Page } from "playwright-core";

/** What run.sh hands the browser side, through the environment. */
export const E2E = {
  /** code-server's address, e.g. http://127.0.0.1:18080 */
  url: required("TSFLOW_E2E_URL"),
  /** Screenshots and logs: test-results/e2e. */
  out: required("TSFLOW_E2E_OUT"),
  chromium: process.env.TSFLOW_E2E_CHROMIUM || "/usr/bin/chromium",
  /** Runs only the tests and scenarios whose name matches. */
  grep: process.env.TSFLOW_E2E_GREP ? new RegExp(process.env.TSFLOW_E2E_GREP) : undefined,
};

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e tier through test/e2e/run.sh`);
  return value;
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/**
 * A fresh headless Chromium with a throwaway profile. The page's console and errors go to
 * `${out}/${logName}.log`, not to the terminal.
 */
export async function launchBrowser(logName: string): Promise<Browser> {
  mkdirSync(E2E.out, { recursive: true });
  const profile = mkdtempSync(join(os.tmpdir(), "chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: E2E.chromium,
    headless: true,
    viewport: { width: 1400, height: 900 },
    // Chromium writes its crash reports and dconf cache under HOME and XDG: keep them in the profile.
    env: { ...process.env, HOME: profile, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile },
    // Playwright's own SIGTERM handler closes the browser but leaves this process running: close
    // and exit here instead (run.sh stops a test process with SIGTERM on Ctrl-C or a CI timeout).
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const log = join(E2E.out, `${logName}.log`);
  page.on("console", (message) => appendFileSync(log, `[${message.type()}] ${message.text()}\n`));
  page.on("pageerror", (error) => appendFileSync(log, `[pageerror] ${error.message}\n`));
  const close = async () => {
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => void close().finally(() => process.exit(128 + os.constants.signals[signal])));
  }
  return { context, page, close };
}

/** The URL that opens `folder` in the workbench, with extra query parameters. */
export function workbenchUrl(folder: string, query: Record<string, string> = {}): string {
  const params = new URLSearchParams({ folder, ...query });
  return `${E2E.url}/?${params.toString()}`;
}

/** The problem counts of the status bar's Problems item. */
export interface ProblemCounts {
  errors: number;
  warnings: number;
}

/**
 * The VS Code workbench in the page, seen through what a user sees and does. Scenarios use these
 * methods rather than selectors, so a change in VS Code's DOM is fixed here once.
 */
export class Workbench {
  /** The workspace folder the window has open. */
  folder = "";

  constructor(readonly page: Page) {}

  /** Opens `folder` and waits until the explorer lists it (the remote connection is up). */
  async open(folder: string): Promise<void> {
    this.folder = folder;
    await this.page.goto(workbenchUrl(folder), { waitUntil: "domcontentloaded" });
    await this.page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
    await this.page.locator(".explorer-folders-view .monaco-list-row").first().waitFor({ timeout: 60_000 });
  }

  /**
   * "Developer: Reload Window", which saves the window's state first (a reload of the browser page
   * does not); waits for the workbench to come back.
   */
  async reload(): Promise<void> {
    // Settled at once: a reload that never comes fails this scenario, not the whole run.
    const reloaded = this.page.waitForEvent("framenavigated", { predicate: (f) => f === this.page.mainFrame() }).then(
      () => undefined,
      (error: Error) => error,
    );
    // The page goes away under the palette: what the palette then waits for may fail with it.
    await this.runCommand("Developer: Reload Window").catch(() => undefined);
    const error = await reloaded;
    if (error) throw error;
    // Whatever the side bar showed comes back: the editor area and the status bar say it is up.
    await this.page.locator(".monaco-workbench .part.editor").waitFor({ timeout: 60_000 });
    await this.page.locator(".monaco-workbench .part.statusbar").waitFor({ timeout: 60_000 });
  }

  /** Quick Open (Ctrl+P) on a path relative to the workspace; waits for its editor. */
  async openFile(relativePath: string): Promise<void> {
    const name = basename(relativePath);
    // The list first shows recently opened files: Enter before the match is focused opens one of those.
    // A file written a moment ago may be missing from the file search's first answer (CI saw a
    // file written by the scenario never listed in 15 s): Quick Open is closed and asked again.
    const match = this.page.locator(".quick-input-widget .monaco-list-row.focused", { hasText: name }).first();
    for (let attempt = 1; ; attempt++) {
      await this.openQuickInput("Control+P", relativePath);
      const found = await match.waitFor({ timeout: 10_000 }).then(
        () => true,
        (error: Error) => {
          if (attempt === 3) throw error;
          return false;
        },
      );
      if (found) break;
      await this.page.keyboard.press("Escape");
    }
    await this.page.keyboard.press("Enter");
    await this.activeTab(name).waitFor({ timeout: 15_000 });
    await this.editor.locator(".view-lines .view-line").first().waitFor({ timeout: 15_000 });
  }

  /**
   * Runs a command by its title from the command palette (Ctrl+Shift+P). With `asks`, the command
   * opens a quick pick or input box of its own, which is left open for the scenario to answer.
   */
  async runCommand(title: string, options: { asks?: boolean } = {}): Promise<void> {
    const input = await this.openQuickInput("Control+Shift+P", `>${title}`);
    await this.page
      .locator(".quick-input-widget .monaco-list-row.focused", { hasText: title })
      .first()
      .waitFor({ timeout: 15_000 });
    await this.page.keyboard.press("Enter");
    if (options.asks) {
      await this.page
        .locator(".quick-input-widget input:not([aria-label='Type the name of a command to run.'])")
        .waitFor({
          timeout: 15_000,
        });
    } else {
      await input.waitFor({ state: "hidden", timeout: 15_000 });
    }
  }

  /** The active editor's tab, when its label has `label`. */
  activeTab(label: string | RegExp): Locator {
    return this.page.locator(".tabs-container .tab.active", { hasText: label });
  }

  /** An editor tab by its label, in any group. */
  tab(label: string | RegExp): Locator {
    return this.page.locator(".tabs-container .tab", { hasText: label }).first();
  }

  /** The active editor. */
  get editor(): Locator {
    return this.page.locator(".editor-group-container.active .editor-instance .monaco-editor").first();
  }

  /** The active editor's text as shown (Monaco renders spaces as U+00A0). */
  async editorText(): Promise<string> {
    return (await this.editor.locator(".view-lines").innerText()).replace(/\u00a0/g, " ");
  }

  /** Waits until the active editor shows `text` (Monaco renders a keystroke on the next frame). */
  async waitForText(text: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.editorText()).includes(text)) {
      if (Date.now() > deadline)
        throw new Error(`the editor does not show ${JSON.stringify(text)}:\n${await this.editorText()}`);
      await this.page.waitForTimeout(100);
    }
  }

  /** Code lenses in the active editor; `text` narrows them to those that contain it. */
  codeLenses(text?: string): Locator {
    const lenses = this.editor.locator(".codelens-decoration");
    return text === undefined ? lenses : lenses.filter({ hasText: text });
  }

  /** One code lens of the active editor, the link a user clicks, by its exact title ("Run", "Show DAG"). */
  codeLens(title: string): Locator {
    const exact = new RegExp(`^\\s*${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`);
    return this.editor.locator(".codelens-decoration a", { hasText: exact }).first();
  }

  /**
   * The DAG preview's page, inside VS Code's two webview frames. With several previews open, the
   * visible one (VS Code hides the others' frames).
   */
  get dagPreview(): FrameLocator {
    return this.webview;
  }

  /** The page of the visible webview (the DAG preview, the artifact viewer), inside VS Code's two frames. */
  get webview(): FrameLocator {
    return this.page.locator("iframe.webview.ready:visible").contentFrame().frameLocator("#active-frame");
  }

  /** A step's node in the DAG preview; `classes` narrows it (".has-error", ".status-succeeded"). */
  previewStep(name: string, classes = ""): Locator {
    return this.dagPreview.locator(`g[data-step="${name}"]${classes}`);
  }

  /** The editor's cursor line, from the status bar's "Ln 12, Col 3". */
  async cursorLine(): Promise<number> {
    const text = await this.page.locator("[id='status.editor.selection']").innerText();
    const line = /Ln (\d+)/.exec(text)?.[1];
    if (line === undefined) throw new Error(`unreadable cursor position: ${JSON.stringify(text)}`);
    return Number(line);
  }

  /** Error squiggles in the active editor. */
  get errorSquiggles(): Locator {
    return this.editor.locator(".squiggly-error");
  }

  /** Shows the TSFlow runs explorer in the side bar. */
  async showRuns(): Promise<void> {
    await this.runCommand("TSFlow: Focus on Runs View");
    await this.runsTree.waitFor({ timeout: 15_000 });
  }

  /** The runs explorer's tree. */
  get runsTree(): Locator {
    return this.page.locator(".pane", { has: this.page.locator(".pane-header", { hasText: /^\s*Runs/ }) }).first();
  }

  /**
   * A row of the runs explorer by its accessible name, which starts with the row's label and
   * carries its status in words: `/^HelloFlow/`, `/^\d+, succeeded/`.
   */
  runsRow(name: RegExp): Locator {
    return this.runsTree.getByRole("treeitem", { name }).first();
  }

  /**
   * Expands a collapsed tree row (a click on a row with children toggles it). A row refreshed while
   * it opens (a run's late file events) can close again: as a user would, click it again.
   */
  async expand(row: Locator): Promise<void> {
    await row.waitFor({ timeout: 30_000 });
    const deadline = Date.now() + 20_000;
    let clickedAt = 0;
    for (;;) {
      const expanded = await row.getAttribute("aria-expanded");
      if (expanded === "true") return;
      if (Date.now() > deadline) throw new Error(`the row did not expand: ${await row.getAttribute("aria-label")}`);
      if (expanded === "false" && Date.now() - clickedAt > 3_000) {
        await row.click();
        clickedAt = Date.now();
      }
      await this.page.waitForTimeout(100);
    }
  }

  /** A row of the open quick pick titled `title`, by its text. */
  quickPickRow(title: string, text: string): Locator {
    const widget = this.page.locator(".quick-input-widget", { hasText: title });
    return widget.locator(".monaco-list-row", { hasText: text }).first();
  }

  /** Chooses the first item matching `item` in the open quick pick titled `title`. */
  async answerQuickPick(title: string, item: string): Promise<void> {
    const widget = this.page.locator(".quick-input-widget", { hasText: title });
    await widget.waitFor({ state: "visible", timeout: 15_000 });
    await widget.locator("input").first().fill(item);
    await widget.locator(".monaco-list-row.focused", { hasText: item }).first().waitFor({ timeout: 15_000 });
    await this.page.keyboard.press("Enter");
  }

  /** Types `text` into the open input box titled `title` and presses Enter. */
  async answerInputBox(title: string, text: string): Promise<void> {
    const widget = this.page.locator(".quick-input-widget", { hasText: title });
    await widget.waitFor({ state: "visible", timeout: 15_000 });
    await widget.locator("input").first().fill(text);
    await this.page.keyboard.press("Enter");
  }

  /** A status bar item, found by its text (codicons aside). */
  statusItem(text: string | RegExp): Locator {
    return this.page.locator(".statusbar-item", { hasText: text }).first();
  }

  /** Opens the notification center and returns its notifications. */
  async showNotifications(): Promise<Locator> {
    await this.runCommand("Notifications: Show Notifications");
    const center = this.page.locator(".notifications-center");
    await center.waitFor({ timeout: 15_000 });
    return center.locator(".monaco-list-row");
  }

  /** The errors and warnings the status bar counts over the workspace. */
  async problemCounts(): Promise<ProblemCounts> {
    const text = await this.page.locator("[id='status.problems']").innerText();
    const [errors, warnings] = (text.match(/\d+/g) ?? []).map(Number);
    if (errors === undefined || warnings === undefined)
      throw new Error(`unreadable Problems item: ${JSON.stringify(text)}`);
    return { errors, warnings };
  }

  /** Polls the Problems item until `accept` holds; returns the counts that made it hold. */
  async waitForProblems(
    what: string,
    accept: (counts: ProblemCounts) => boolean,
    timeoutMs = 30_000,
  ): Promise<ProblemCounts> {
    const deadline = Date.now() + timeoutMs;
    let counts = await this.problemCounts();
    while (!accept(counts)) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; Problems shows ${JSON.stringify(counts)}`);
      await this.page.waitForTimeout(250);
      counts = await this.problemCounts();
    }
    return counts;
  }

  /** Opens the Problems panel (Ctrl+Shift+M) and returns its rows. */
  async showProblems(): Promise<Locator> {
    await this.runCommand("View: Focus Problems");
    const panel = this.page.locator(".markers-panel");
    await panel.waitFor({ timeout: 15_000 });
    return panel.locator(".monaco-list-row");
  }

  /** Moves the mouse over `target` and returns the hover that shows, once it contains `text`. */
  async hover(target: Locator, text: string): Promise<Locator> {
    const hover = this.page.locator(".monaco-hover", { hasText: text }).first();
    const deadline = Date.now() + 30_000;
    // Lines can still move under the pointer (code lenses arrive after the squiggle), and a
    // pointer already at rest shows nothing new: leave, then come back to where the target is now.
    for (;;) {
      const box = await target.boundingBox();
      if (!box) throw new Error("nothing to hover over: the element is not visible");
      await this.page.mouse.move(1, 1);
      await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 2 });
      try {
        await hover.waitFor({ state: "visible", timeout: 4_000 });
        return hover;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
  }

  /** Selects the first match of `text` in the active editor (Find, Ctrl+F), then closes Find. */
  async selectText(text: string): Promise<void> {
    await this.editor.locator(".view-lines").click();
    await this.page.keyboard.press("Control+Home");
    await this.page.keyboard.press("Control+F");
    const find = this.page
      .locator(
        ".editor-group-container.active .find-widget textarea, .editor-group-container.active .find-widget input",
      )
      .first();
    await find.waitFor({ state: "visible", timeout: 15_000 });
    await find.fill(text);
    const count = this.page.locator(".editor-group-container.active .find-widget .matchesCount");
    // "? of 1" until Find moves to the match, which it does by itself only from a focused editor.
    await count.filter({ hasText: /of 1$/ }).waitFor({ timeout: 15_000 });
    if (!/^1 of/.test(await count.innerText())) await this.page.keyboard.press("Enter");
    await count.filter({ hasText: /^1 of 1$/ }).waitFor({ timeout: 15_000 });
    await this.page.keyboard.press("Escape");
  }

  /**
   * Back to a clean window between scenarios: no quick input or hover, every editor closed without
   * saving, the panel hidden.
   */
  async reset(): Promise<void> {
    await this.page.keyboard.press("Escape");
    await this.page.keyboard.press("Escape");
    await this.runCommand("View: Close All Editors");
    // A scenario that typed leaves a modified editor: VS Code asks whether to save it.
    const dontSave = this.page.locator(".monaco-dialog-box .monaco-button", { hasText: "Don't Save" });
    const tabs = this.page.locator(".tabs-container .tab");
    const deadline = Date.now() + 15_000;
    while ((await tabs.count()) > 0) {
      if (await dontSave.isVisible()) await dontSave.click();
      if (Date.now() > deadline) throw new Error("the editors did not close");
      await this.page.waitForTimeout(100);
    }
    if (await this.page.locator(".part.panel").isVisible()) await this.runCommand("View: Hide Panel");
    if (await this.page.locator(".notifications-center").isVisible())
      await this.runCommand("Notifications: Hide Notifications");
  }

  /** Saves a screenshot of the whole window as `${out}/${name}.png`; returns its path. */
  async screenshot(name: string): Promise<string> {
    const path = join(E2E.out, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  private async focusWorkbench() {
    // Keyboard shortcuts go to the focused element: focus the workbench, not a stale overlay.
    const widget = this.page.locator(".quick-input-widget").first();
    if (!(await widget.isVisible())) return;
    await this.page.keyboard.press("Escape");
    // It fades out, inert, before it is gone: let it go before asking for it again.
    await widget.waitFor({ state: "hidden", timeout: 5_000 }).catch(() => undefined);
  }

  /**
   * Opens the quick input with `keys` (the palette, Quick Open), types `text` into it and returns
   * its input box. It can close or refuse typing just after it opens: a webview that takes the
   * focus closes it, and VS Code marks it inert while it fades out, where it can stay when opened
   * again at that moment. Then it is opened again, up to three times.
   */
  private async openQuickInput(keys: string, text: string): Promise<Locator> {
    const input = this.page.locator(".quick-input-widget input").first();
    for (let attempt = 1; ; attempt++) {
      await this.focusWorkbench();
      await this.page.keyboard.press(keys);
      try {
        await input.waitFor({ state: "visible", timeout: 15_000 });
        await input.fill(text, { timeout: 5_000 });
        return input;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  }
}
