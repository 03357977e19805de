/**
 * What the explorer reads from flow files without the analyzer: it runs in the language server,
 * and its TypeScript is too big for the extension host's bundle. These look-ups are for listing
 * and as a fallback when the server cannot answer; the server's graph is preferred for positions.
 */
import { starterFlow } from "../../../runtime/src/project/init-files";

/** The example flow's file name, in the first workspace folder. */
export const EXAMPLE_FILE = "hello.ts";

/** The example flow's text: `tsflow init`'s starter flow, named for its file. */
export function exampleFlowText(): string {
  return starterFlow("HelloFlow").replaceAll("flow.ts", EXAMPLE_FILE);
}

/** The classes a file defines that extend FlowSpec, in order: `class HelloFlow extends FlowSpec`. */
export function flowClassNames(text: string): string[] {
  if (!text.includes("FlowSpec")) return [];
  return [...text.matchAll(/\bclass\s+([A-Za-z_$][\w$]*)\s+extends\s+FlowSpec\b/g)].map((m) => m[1]);
}

/** The zero-based line of `class NAME`, or undefined. */
export function classLine(text: string, flow: string): number | undefined {
  return firstLine(text, new RegExp(`\\bclass\\s+${escape(flow)}\\b`));
}

/**
 * The zero-based line where step `name` is declared: a method of that name on a line that has, or
 * follows a line with, the `@step` decorator. Undefined when there is none.
 */
export function stepLine(text: string, name: string): number | undefined {
  const lines = text.split(/\r?\n/);
  const method = new RegExp(`^\\s*(?:@[\\w.]+(?:\\([^)]*\\))?\\s+)*(?:async\\s+)?${escape(name)}\\s*\\(`);
  for (const [i, line] of lines.entries()) {
    if (!method.test(line)) continue;
    const decorated =
      line.includes("@step") ||
      (i > 0 &&
        lines
          .slice(Math.max(0, i - 5), i)
          .join("\n")
          .includes("@step"));
    if (decorated) return i;
  }
  return undefined;
}

function firstLine(text: string, pattern: RegExp): number | undefined {
  const index = text.split(/\r?\n/).findIndex((line) => pattern.test(line));
  return index < 0 ? undefined : index;
}

function escape(name: string): string {
  return name.replace(/[$]/g, "\\$");
}
