import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const EXAMPLES_DIR = join(__dirname, "..", "..", "examples");
export const INVALID_DIR = join(EXAMPLES_DIR, "invalid");

export interface ExampleFlow {
  name: string;
  path: string;
  text: string;
}

function list(dir: string): ExampleFlow[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort()
    .map((f) => ({ name: f.replace(/\.ts$/, ""), path: join(dir, f), text: readFileSync(join(dir, f), "utf8") }));
}

export const validExamples = (): ExampleFlow[] => list(EXAMPLES_DIR);
export const invalidExamples = (): ExampleFlow[] => list(INVALID_DIR);

/** The codes an invalid example declares in its first line: `// expect: code-a (...), code-b (...)`. */
export function expectedCodes(example: ExampleFlow): string[] {
  const header = example.text.split("\n")[0];
  const match = /^\/\/ expect: (.*)$/.exec(header);
  if (!match) throw new Error(`${example.path} lacks its "// expect: code (why)" header`);
  return [...match[1].replace(/\([^)]*\)/g, "").matchAll(/[a-z]+(?:-[a-z]+)*/g)].map((m) => m[0]).sort();
}

/** A flow whose middle step, `boom`, always throws: its runs fail there, after `start` succeeded. */
export const FAILING_FLOW = `import { FlowSpec, step } from "tsflow";

export class FailFlow extends FlowSpec {
  @step start() { this.next(this.boom); }
  @step boom() {
    throw new Error("boom");
    this.next(this.end);
  }
  @step end() {}
}
`;
