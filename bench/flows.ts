/** The flow shapes of PEERS.md, as TSFlow sources. */
const header = `import { FlowSpec, step, Inputs } from "tsflow";\nimport { randomBytes } from "node:crypto";\nimport { existsSync } from "node:fs";\nvoid randomBytes; void existsSync;\n`;

export const linearFlow = `${header}
export class LinearBench extends FlowSpec {
  declare value: number;
  @step start() { this.value = 1; this.next(this.a); }
  @step a() { this.value += 1; this.next(this.b); }
  @step b() { this.value += 1; this.next(this.c); }
  @step c() { this.value += 1; this.next(this.end); }
  @step end() {}
}
`;

export const branchFlow = `${header}
export class BranchBench extends FlowSpec {
  declare value: number;
  @step start() { this.value = 1; this.next(this.a, this.b); }
  @step a() { this.value += 1; this.next(this.join); }
  @step b() { this.value += 2; this.next(this.join); }
  @step join(inputs: Inputs<BranchBench>) { this.value = inputs.a.value + inputs.b.value; this.next(this.end); }
  @step end() {}
}
`;

/** A foreach over `n` items; its join fails while a file named `fail-join` exists. */
export function foreachFlow(n: number): string {
  return `${header}
export class ForeachBench extends FlowSpec {
  declare items: number[];
  declare square: number;
  declare total: number;
  @step start() { this.items = Array.from({ length: ${n} }, (_, i) => i); this.next(this.each, { foreach: "items" }); }
  @step each() { this.square = (this.input as number) ** 2; this.next(this.join); }
  @step join(inputs: Inputs<ForeachBench>) {
    if (existsSync("fail-join")) throw new Error("the join was told to fail");
    this.total = inputs.reduce((sum, i) => sum + i.square, 0);
    this.next(this.end);
  }
  @step end() {}
}
`;
}

export const bigArtifactFlow = `${header}
export class BigBench extends FlowSpec {
  declare bytes: Uint8Array;
  declare checksum: number;
  @step start() { this.bytes = new Uint8Array(randomBytes(100 * 1024 * 1024)); this.next(this.read); }
  @step read() {
    let sum = 0;
    for (let i = 0; i < this.bytes.length; i += 4096) sum += this.bytes[i];
    this.checksum = sum;
    this.next(this.end);
  }
  @step end() {}
}
`;
