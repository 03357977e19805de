import { basename } from "node:path";

/** The flow class name for a project folder: `churn-model` → `ChurnModelFlow`. */
export function flowClassName(dir: string): string {
  const words = basename(dir)
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const name = words.map((w) => w[0].toUpperCase() + w.slice(1)).join("");
  const base = /^[A-Za-z]/.test(name) ? name : "My";
  return base.endsWith("Flow") ? base : `${base}Flow`;
}

/** A starter flow that shows each idea once: a parameter, artifacts, a foreach and its join. */
export function starterFlow(className: string): string {
  return `// A starter flow: \`tsflow run flow.ts\` runs it, \`tsflow show flow.ts\` draws its graph.
import { FlowSpec, step, param, Inputs } from "tsflow";

export class ${className} extends FlowSpec {
  /** Set with \`tsflow run flow.ts --rounds 5\`. */
  rounds = param({ default: 3, help: "how many numbers to square" });

  // Artifacts are plain fields; every value assigned to one is kept with the run.
  declare numbers: number[];
  declare square: number;
  declare total: number;

  @step start() {
    this.numbers = Array.from({ length: this.rounds }, (_, i) => i + 1);
    this.next(this.power, { foreach: "numbers" }); // one task per number, in parallel
  }

  @step power() {
    this.square = (this.input as number) ** 2;
    this.next(this.sum);
  }

  @step sum(inputs: Inputs<${className}>) {
    this.total = inputs.reduce((total, input) => total + input.square, 0);
    this.next(this.end);
  }

  @step end() {
    console.log(\`the squares of 1..\${this.rounds} add up to \${this.total}\`);
  }
}
`;
}

/** Where a project keeps the declarations of "tsflow" and "tsflow/client", as `tsflow init` writes them. */
export const TYPES_PATHS: Record<string, string> = {
  tsflow: "./types/tsflow/index.d.ts",
  "tsflow/client": "./types/tsflow/client/index.d.ts",
};

/**
 * Compiler options an editor needs for flows: TS 5 decorators, and "tsflow" and "tsflow/client"
 * mapped to their types.
 */
export function tsconfig(): string {
  const config = {
    compilerOptions: {
      target: "ES2022",
      lib: ["ES2023", "DOM"],
      module: "preserve",
      moduleResolution: "bundler",
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      paths: Object.fromEntries(Object.entries(TYPES_PATHS).map(([module, path]) => [module, [path]])),
    },
    include: ["**/*.ts"],
    exclude: ["node_modules", ".tsflow"],
  };
  return JSON.stringify(config, null, 2) + "\n";
}

export function packageJson(dir: string): string {
  const name =
    basename(dir)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "my-flows";
  const pkg = {
    name,
    private: true,
    scripts: { start: "tsflow run flow.ts", check: "tsflow check flow.ts", show: "tsflow show flow.ts" },
  };
  return JSON.stringify(pkg, null, 2) + "\n";
}

export const GITIGNORE = "# runs, artifacts and logs kept by tsflow\n.tsflow/\nnode_modules/\n";
