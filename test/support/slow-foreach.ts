/** A foreach of 12 tasks of 150 ms each: long enough to kill its scheduler midway. */
export const SLOW_FOREACH = `import { FlowSpec, step, Inputs } from "tsflow";
export class SlowFlow extends FlowSpec {
  declare items: number[];
  declare y: number;
  declare total: number;
  @step start() { this.items = Array.from({ length: 12 }, (_, i) => i); this.next(this.work, { foreach: "items" }); }
  @step async work() {
    await new Promise((r) => setTimeout(r, 150));
    this.y = (this.input as number) * 2;
    this.next(this.join);
  }
  @step join(inputs: Inputs<SlowFlow>) { this.total = inputs.reduce((s, i) => s + i.y, 0); this.next(this.end); }
  @step end() {}
}
`;
