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

/**
 * The classes a file defines that extend FlowSpec, in order: `class HelloFlow extends FlowSpec`.
 * Comments and strings do not count: a flow commented out, or named in a docstring, is none.
 */
export function flowClassNames(text: string): string[] {
  if (!text.includes("FlowSpec")) return [];
  const code = blankComments(text);
  return [...code.matchAll(/\bclass\s+([A-Za-z_$][\w$]*)\s+extends\s+FlowSpec\b/g)].map((m) => m[1]);
}

/** The zero-based line of `class NAME` (outside comments and strings), or undefined. */
export function classLine(text: string, flow: string): number | undefined {
  return firstLine(blankComments(text), new RegExp(`\\bclass\\s+${escape(flow)}\\b`));
}

/**
 * The zero-based line where step `name` is declared: a method of that name on a line that has, or
 * follows a line with, the `@step` decorator. Undefined when there is none.
 */
export function stepLine(text: string, name: string): number | undefined {
  const lines = blankComments(text).split(/\r?\n/);
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

/**
 * `text` with its comments and the insides of its string and template literals blanked out,
 * line breaks kept, so that what a pattern finds in it is code, on the line it is on. A template
 * literal's `${}` is blanked with it: no flow or step is declared in one.
 */
export function blankComments(text: string): string {
  let out = "";
  let i = 0;
  const blank = (from: number, to: number) => text.slice(from, to).replace(/[^\r\n]/g, " ");
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    let end: number;
    if (c === "/" && next === "/") {
      end = text.indexOf("\n", i);
      end = end < 0 ? text.length : end;
    } else if (c === "/" && next === "*") {
      end = text.indexOf("*/", i + 2);
      end = end < 0 ? text.length : end + 2;
    } else if (c === '"' || c === "'" || c === "`") {
      end = i + 1;
      while (end < text.length && text[end] !== c && (c === "`" || text[end] !== "\n")) {
        end += text[end] === "\\" ? 2 : 1;
      }
      // The quotes stay, so `"x"` is still an expression where one stood.
      out += c + blank(i + 1, Math.min(end, text.length)) + (end < text.length ? c : "");
      i = end + 1;
      continue;
    } else {
      out += c;
      i++;
      continue;
    }
    out += blank(i, end);
    i = end;
  }
  return out;
}

function firstLine(text: string, pattern: RegExp): number | undefined {
  const index = text.split(/\r?\n/).findIndex((line) => pattern.test(line));
  return index < 0 ? undefined : index;
}

function escape(name: string): string {
  return name.replace(/[$]/g, "\\$");
}
