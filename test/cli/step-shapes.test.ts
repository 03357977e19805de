import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { describeLocation } from "../../runtime/src/config";
import type { TaskRecord } from "../../runtime/src/datastore";
import { planFlow } from "../../runtime/src/exec/plan";
import type { TaskSpec } from "../../runtime/src/exec/protocol";
import { stepCommand } from "../../runtime/src/exec/step-command";
import { analyze } from "../../runtime/src/graph";
import { SHAPES } from "../flows/shapes";
import { Project } from "../support/run-flow";
import { createRun, tsflowStep } from "../support/step-runs";

/**
 * `tsflow step` builds the TaskSpec the scheduler builds: every graph shape runs once through
 * `tsflow run`, then again task by task through `tsflow step` (each invocation made by
 * stepCommand from the first run's task records: its parents, its foreach frame), into a run of
 * its own. Each task of the second run must hold what the same task of the first holds.
 */
describe("tsflow step replays what the scheduler ran, shape by shape", () => {
  for (const shape of SHAPES) {
    test(shape.name, async (t) => {
      const project = new Project(t, { "package.json": "{}\n", "flow.ts": shape.source() });
      const ran = await project.tsflowAsync(["run", "flow.ts"]);
      assert.equal(ran.code, 0, ran.stderr);
      const file = join(project.dir, "flow.ts");
      const graph = analyze(file, readFileSync(file, "utf8")).flows[0].graph;
      const plan = planFlow(graph);
      const location = project.datastore.location;
      const replay = await createRun(location, file);
      const tasks = await everyTask(project, shape.flow, ran.runId);
      for (const task of tasks) {
        const { args } = stepCommand({
          flow: shape.flow,
          runId: replay.id,
          step: task.step,
          taskId: task.id,
          attempt: 0,
          flowFile: file,
          join: plan.steps.get(task.step)?.join ?? false,
          foreach: task.foreach,
          parents: task.parents.map((p) => ({ step: p.split("/")[0], id: p.split("/")[1], artifacts: {} })),
          datastore: location,
          current: { namespace: "user:tester", username: "tester", tags: [] },
        } as unknown as TaskSpec);
        const result = await tsflowStep(args.slice(1), project.dir, {
          TSFLOW_DATASTORE_ROOT: describeLocation(location),
        });
        assert.equal(result.code, 0, `${task.step}/${task.id}: ${result.stderr}`);
        const again = await project.datastore.tasks.read(shape.flow, replay.id, task.step, task.id);
        assert.deepEqual(summary(again), summary(task), `${task.step}/${task.id}`);
      }
      assert.deepEqual((await project.endData(shape.flow, replay.id)).result, shape.expected);
    });
  }
});

/** Every task of a run, in the order the scheduler created them (ids count up as tasks are queued). */
async function everyTask(project: Project, flow: string, runId: string): Promise<TaskRecord[]> {
  const steps = await project.datastore.tasks.steps(flow, runId);
  const tasks = (await Promise.all(steps.map((step) => project.tasks(flow, runId, step)))).flat();
  return tasks.sort((a, b) => Number(a.id) - Number(b.id));
}

/** What a task's record says of what it did, apart from when and where. */
function summary(task: TaskRecord | undefined) {
  assert.ok(task);
  return {
    status: task.status,
    parents: task.parents,
    foreach: task.foreach,
    artifacts: Object.fromEntries(Object.entries(task.artifacts).map(([name, ref]) => [name, ref.hash])),
    foreachCount: task.foreachCount,
    switchCase: task.switchCase,
  };
}
