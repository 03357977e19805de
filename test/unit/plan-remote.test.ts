import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { remoteKinds } from "../../runtime/src/exec/executors";
import { planFlow } from "../../runtime/src/exec/plan";
import { analyze } from "../../runtime/src/graph";

const FLOW = `import { FlowSpec, step, kubernetes, slurm } from "tsflow";
const cores = 4;
export class RemoteFlow extends FlowSpec {
  @kubernetes({ cpu: cores, memory: 4096, image: "tsflow-task:1", nodeSelector: { pool: "gpu" }, secrets: ["s3"] })
  @step start() { this.next(this.train); }
  @slurm({ partition: "gpu", time: 30 })
  @step train() { this.next(this.end); }
  @step end() {}
}
`;

const graph = analyze("flow.ts", FLOW).flows[0].graph;
const remoteOf = (plan: ReturnType<typeof planFlow>) =>
  Object.fromEntries([...plan.steps].map(([name, step]) => [name, step.remote]));

describe("the plan's remote steps", () => {
  test("@kubernetes and @slurm options become plan.remote; an option that is an expression is left out", () => {
    assert.deepEqual(remoteOf(planFlow(graph)), {
      start: {
        kind: "kubernetes",
        options: { memory: 4096, image: "tsflow-task:1", nodeSelector: { pool: "gpu" }, secrets: ["s3"] },
      },
      train: { kind: "slurm", options: { partition: "gpu", time: 30 } },
      end: undefined,
    });
  });

  test("--with sends every step without its own decorator there", () => {
    const plan = planFlow(graph, "slurm");
    assert.equal(plan.steps.get("start")?.remote?.kind, "kubernetes");
    assert.deepEqual(plan.steps.get("train")?.remote, { kind: "slurm", options: { partition: "gpu", time: 30 } });
    assert.deepEqual(plan.steps.get("end")?.remote, { kind: "slurm", options: {} });
  });

  test("the engines a run opens: each its steps name, once", () => {
    const local = analyze("flow.ts", FLOW.replace(/@kubernetes\([^\n]*\n|@slurm\([^\n]*\n/g, "")).flows[0].graph;
    assert.deepEqual(remoteKinds(planFlow(local)), []);
    assert.deepEqual(remoteKinds(planFlow(local, "kubernetes")), ["kubernetes"]);
    assert.deepEqual(remoteKinds(planFlow(graph, "slurm")), ["kubernetes", "slurm"]);
  });
});
