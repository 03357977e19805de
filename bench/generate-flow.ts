/**
 * A realistic flow of about `lines` lines: parameters, declared artifacts, a static branch, a
 * foreach with its join, decorators and steps with real bodies, ending in `end`.
 */
export function generateFlow(lines: number, name = "BenchFlow"): string {
  const header = [
    `import { FlowSpec, step, param, retry, resources, Inputs } from "tsflow";`,
    ``,
    `export class ${name} extends FlowSpec {`,
    `  rows = param({ default: 1000, help: "rows to make" });`,
    `  seed = param({ default: 7, help: "random seed" });`,
    `  declare data: number[];`,
    `  declare grid: number[];`,
    `  declare left: number;`,
    `  declare right: number;`,
    `  declare score: number;`,
    `  declare best: number;`,
    `  declare total: number;`,
    ``,
    `  @step start() {`,
    `    this.data = Array.from({ length: this.rows }, (_, i) => (i * this.seed) % 97);`,
    `    this.next(this.left_0, this.right_0);`,
    `  }`,
  ];
  // 39 lines of header and footer, 16 per pair of branch steps.
  const chainSteps = Math.max(1, Math.round((lines - 39) / 16));
  const body: string[] = [];
  for (const side of ["left", "right"]) {
    for (let i = 0; i < chainSteps; i++) {
      const next = i + 1 < chainSteps ? `this.${side}_${i + 1}` : "this.merge";
      body.push(
        ``,
        `  /** Step ${i} of the ${side} branch. */`,
        `  @retry({ times: 2 })`,
        `  @step ${side}_${i}() {`,
        `    const values = this.data.map((v) => v * ${i + 1});`,
        `    this.${side} = values.reduce((a, b) => a + b, 0) / values.length;`,
        `    this.next(${next});`,
        `  }`,
      );
    }
  }
  const footer = [
    ``,
    `  @step merge(inputs: Inputs<${name}>) {`,
    `    this.total = inputs.left_${chainSteps - 1}.left + inputs.right_${chainSteps - 1}.right;`,
    `    this.grid = [0.1, 0.2, 0.3, 0.4];`,
    `    this.next(this.fit, { foreach: "grid" });`,
    `  }`,
    ``,
    `  @resources({ cpu: 1, memory: 2048 })`,
    `  @step fit() {`,
    `    this.score = (this.input as number) * this.total;`,
    `    this.next(this.choose);`,
    `  }`,
    ``,
    `  @step choose(inputs: Inputs<${name}>) {`,
    `    this.best = Math.max(...inputs.map((i) => i.score));`,
    `    this.next(this.end);`,
    `  }`,
    ``,
    `  @step end() {`,
    `    console.log(this.best);`,
    `  }`,
    `}`,
  ];
  return [...header, ...body, ...footer].join("\n") + "\n";
}
