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

/**
 * Where a project keeps the declarations of "tsflow" and "tsflow/client", as `tsflow init` writes
 * them. Folders, not their index.d.ts: TypeScript finds the index.d.ts in them, while tsx (which
 * follows `paths` too, at run time) finds no script there and goes on to node_modules/tsflow.
 */
export const TYPES_PATHS: Record<string, string> = {
  tsflow: "./types/tsflow",
  "tsflow/client": "./types/tsflow/client",
};

/**
 * Compiler options an editor (and `tsc --noEmit -p`) needs for flows: TS 5 standard decorators
 * (no `experimentalDecorators`), and "tsflow" and "tsflow/client" mapped to their types. With
 * `nodeTypes`, for a project whose package.json lists @types/node, Node's types are named:
 * TypeScript 6 no longer includes every installed @types package by default.
 */
export function tsconfig(options: { nodeTypes?: boolean } = {}): string {
  const config = {
    compilerOptions: {
      target: "ES2022",
      lib: ["ES2023", "DOM"],
      module: "preserve",
      moduleResolution: "bundler",
      ...(options.nodeTypes ? { types: ["node"] } : {}),
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

/** What a project's package.json holds for TSFlow: its scripts and its development dependencies. */
export interface ProjectManifest {
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
}

/**
 * The scripts and dev dependencies of a TSFlow project: `npm start` runs the starter flow;
 * `@types/node` (of the running Node's major version) types what steps use from Node; `tsflow`
 * itself when `tsflowSpec` says where it comes from.
 */
export function projectManifest(tsflowSpec: string | undefined): ProjectManifest {
  const nodeMajor = process.versions.node.split(".")[0];
  return {
    scripts: { start: "tsflow run flow.ts", check: "tsflow check flow.ts", show: "tsflow show flow.ts" },
    devDependencies: { "@types/node": `^${nodeMajor}`, ...(tsflowSpec ? { tsflow: tsflowSpec } : {}) },
  };
}

export function packageJson(dir: string, manifest: ProjectManifest): string {
  const name =
    basename(dir)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "my-flows";
  // An ES module package: a script beside the flows may `await` at its top level, under tsx and
  // `node --experimental-strip-types` alike (flows themselves are compiled by tsflow either way).
  return JSON.stringify({ name, private: true, type: "module", ...manifest }, null, 2) + "\n";
}

/**
 * An existing package.json with what `manifest` adds and it lacks (nothing it holds is changed),
 * and the names added (`scripts.start`, `devDependencies.tsflow`); undefined when it is not a
 * JSON object.
 */
export function mergePackageJson(
  existing: string,
  manifest: ProjectManifest,
): { text: string; added: string[] } | undefined {
  let pkg: unknown;
  try {
    pkg = JSON.parse(existing);
  } catch {
    return undefined;
  }
  if (typeof pkg !== "object" || pkg === null || Array.isArray(pkg)) return undefined;
  const record = pkg as Record<string, unknown>;
  const added: string[] = [];
  for (const [field, entries] of Object.entries(manifest)) {
    const current = record[field] ?? {};
    if (typeof current !== "object" || current === null) continue;
    const target = current as Record<string, unknown>;
    const declared = field === "devDependencies" ? { ...(record.dependencies as object), ...target } : target;
    for (const [key, value] of Object.entries(entries as Record<string, string>)) {
      if (key in declared) continue;
      target[key] = value;
      added.push(`${field}.${key}`);
    }
    if (Object.keys(target).length > 0) record[field] = target;
  }
  const indent = /\n([ \t]+)"/.exec(existing)?.[1] ?? "  ";
  return { text: JSON.stringify(record, null, indent) + "\n", added };
}

export const GITIGNORE = "# runs, artifacts and logs kept by tsflow\n.tsflow/\nnode_modules/\n";
