import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Flow, namespace, useDatastore } from "../../runtime/src/client";
import { TEST_USER, type Project } from "../support/run-flow";
import type { Shape } from "./shapes";

const FILE = "flow.ts";
const bodySteps = (shape: Shape) => Object.keys(shape.body);
const bodyTaskCount = (shape: Shape) => Object.values(shape.body).reduce((a, b) => a + b, 0);

/** Every body task of a run, whichever body step it belongs to. */
async function bodyTasks(project: Project, shape: Shape, runId: string) {
  return (await Promise.all(bodySteps(shape).map((step) => project.tasks(shape.flow, runId, step)))).flat();
}

/** A project for one test, with the flow files given, on the datastore the matrix runs on. */
export type NewProject = (t: { after(fn: () => void): void }, files: Record<string, string>) => Project;

/**
 * Every behaviour on every shape given, each test in a project `newProject` makes: the matrix runs
 * on the local datastore (matrix.test.ts) and, for a few shapes, on S3 (matrix-s3.test.ts).
 */
export function describeMatrix(label: string, shapes: Shape[], newProject: NewProject): void {
  for (const shape of shapes) {
    describe(`${shape.name} flow${label}`, () => {
      test("artifacts flow forward and joins see their inputs", async (t) => {
        const project = newProject(t, { [FILE]: shape.source() });
        const run = project.tsflow(["run", FILE]).succeeded();
        assert.deepEqual((await project.endData(shape.flow, run.runId)).result, shape.expected);
        assert.equal((await bodyTasks(project, shape, run.runId)).length, bodyTaskCount(shape));
        const record = await project.run(shape.flow, run.runId);
        assert.equal(record.status, "succeeded");
        assert.ok(
          Object.values(record.steps).every((s) => s.status === "succeeded" || s.total === 0),
          JSON.stringify(record.steps),
        );
      });

      test("a step that fails once succeeds on @retry, keeping both attempts", async (t) => {
        const source = shape.source({
          decorators: { body: "@retry({ times: 1 })" },
          code: { body: `if (current.retryCount === 0) throw new Error("first attempt fails");` },
        });
        const project = newProject(t, { [FILE]: source });
        const run = project.tsflow(["run", FILE]).succeeded();
        assert.deepEqual((await project.endData(shape.flow, run.runId)).result, shape.expected);
        for (const task of await bodyTasks(project, shape, run.runId)) {
          assert.deepEqual(
            task.attempts.map((a) => a.status),
            ["failed", "succeeded"],
          );
          assert.match(task.attempts[0].error!.message, /first attempt fails/);
        }
        assert.equal(run.events.filter((e) => e.event === "task-failed" && e.willRetry).length, bodyTaskCount(shape));
      });

      test("--with retry retries steps without their own @retry", async (t) => {
        const project = newProject(t, {
          [FILE]: shape.source({ code: { body: `if (current.retryCount === 0) throw new Error("flaky");` } }),
        });
        const run = project.tsflow(["run", FILE, "--with", "retry"]).succeeded();
        assert.deepEqual((await project.endData(shape.flow, run.runId)).result, shape.expected);
      });

      test("@catchError stores the error and the flow goes on", async (t) => {
        const project = newProject(t, {
          [FILE]: shape.source({
            decorators: { body: `@catchError({ var: "caught" })` },
            code: { body: `throw new Error("body broke");` },
            declarations: "  declare caught: { message: string };",
          }),
        });
        const run = project.tsflow(["run", FILE]).succeeded();
        for (const task of await bodyTasks(project, shape, run.runId)) {
          assert.equal(task.caught, true);
          assert.equal(((await project.artifacts(task)).caught as { message: string }).message, "body broke");
          const stderr = await project.datastore.tasks.readLog(shape.flow, run.runId, task.step, task.id, "stderr", 0);
          assert.match(stderr ?? "", /^@catchError stored this error of step `\w+` in `caught`:\nError: body broke\n/);
        }
      });

      test("@catchError also catches a step whose worker dies, in a fallback attempt", async (t) => {
        const project = newProject(t, {
          [FILE]: shape.source({
            decorators: { body: `@catchError({ var: "caught", printException: false })` },
            code: { body: "process.exit(3);" },
            declarations: "  declare caught: { type: string; message: string };",
          }),
        });
        const run = project.tsflow(["run", FILE]).succeeded();
        const tasks = await bodyTasks(project, shape, run.runId);
        assert.equal(tasks.length, bodyTaskCount(shape));
        for (const task of tasks) {
          assert.equal(task.caught, true);
          assert.deepEqual(
            task.attempts.map((a) => [a.status, a.error?.type]),
            [
              ["failed", "ProcessExit"],
              ["succeeded", "ProcessExit"],
            ],
          );
          assert.equal(task.attempts[0].error?.exitCode, 3);
          const caught = (await project.artifacts(task)).caught as { type: string; message: string };
          assert.equal(caught.type, "ProcessExit");
          assert.match(caught.message, /^step `\w+` called process\.exit\(3\)/);
          // The attempt whose worker died has why in its stderr; the fallback attempt, printing nothing, none.
          const stderr = (attempt: number) =>
            project.datastore.tasks.readLog(shape.flow, run.runId, task.step, task.id, "stderr", attempt);
          assert.match(
            (await stderr(0)) ?? "",
            /^tsflow: step `\w+` failed \(attempt 0\):\nProcessExit: step `\w+` called process\.exit\(3\)/,
          );
          assert.equal(await stderr(1), "");
        }
        assert.equal(run.events.filter((e) => e.event === "task-failed" && e.willCatch).length, bodyTaskCount(shape));
      });

      test("@timeout stops a step that runs too long and names it", (t) => {
        const project = newProject(t, {
          [FILE]: shape.source({
            decorators: { body: "@timeout({ seconds: 1 })" },
            code: { body: "await new Promise((r) => setTimeout(r, 20_000));" },
          }),
        });
        const started = Date.now();
        const run = project.tsflow(["run", FILE]);
        assert.equal(run.code, 1);
        assert.ok(Date.now() - started < 15_000, "the timeout stopped the run early");
        assert.match(run.finished.error!.message, /ran longer than its @timeout of 1 s/);
        assert.ok(bodySteps(shape).includes(run.finished.error!.step!));
      });

      test("a step that calls process.exit fails the run, naming the step", async (t) => {
        const project = newProject(t, { [FILE]: shape.source({ code: { body: "process.exit(3);" } }) });
        const run = project.tsflow(["run", FILE]);
        assert.equal(run.code, 1);
        assert.match(run.finished.error!.message, /step `\w+` called process\.exit\(3\)/);
        const failed = (await project.tasks(shape.flow, run.runId, run.finished.error!.step!)).find(
          (t) => t.status === "failed",
        );
        assert.equal(failed?.attempts[0].error?.exitCode, 3);
      });

      test("resume runs again from the failed step and clones what came before", async (t) => {
        const failing = shape.joins.length > 0 ? "join" : "end";
        const project = newProject(t, {
          [FILE]: shape.source({
            imports: `import { existsSync } from "node:fs";`,
            code: { [failing]: `if (existsSync("fail")) throw new Error("told to fail");` },
          }),
          fail: "",
        });
        const first = project.tsflow(["run", FILE]);
        assert.equal(first.code, 1);
        rmSync(join(project.dir, "fail"));
        const resumed = project.tsflow(["resume", FILE]).succeeded();
        assert.deepEqual((await project.endData(shape.flow, resumed.runId)).result, shape.expected);
        const record = await project.run(shape.flow, resumed.runId);
        assert.deepEqual(record.origin, { runId: first.runId, step: first.finished.error!.step });
        const [start] = await project.tasks(shape.flow, resumed.runId, "start");
        assert.equal(
          start.clonedFrom,
          `${shape.flow}/${first.runId}/start/${(await project.tasks(shape.flow, first.runId, "start"))[0].id}`,
        );
      });

      test("resume from a named step runs it and what follows again", async (t) => {
        const project = newProject(t, { [FILE]: shape.source() });
        const first = project.tsflow(["run", FILE]).succeeded();
        const [step] = bodySteps(shape);
        const resumed = project.tsflow(["resume", FILE, step, "--origin-run-id", first.runId]).succeeded();
        assert.deepEqual((await project.endData(shape.flow, resumed.runId)).result, shape.expected);
        assert.ok((await project.tasks(shape.flow, resumed.runId, "start"))[0].clonedFrom);
        assert.ok(
          (await project.tasks(shape.flow, resumed.runId, step)).every((task) => task.clonedFrom === undefined),
        );
      });

      test("runs carry system and user tags; tasks see their namespace", async (t) => {
        const project = newProject(t, {
          [FILE]: shape.source({
            code: {
              body: "this.y = this.y; (this as unknown as { ns: string }).ns = current.namespace + ' ' + current.tags.join(',');",
            },
          }),
        });
        const run = project
          .tsflow(["run", FILE, "--tag", "exp1", "--tag", "exp2"], { TSFLOW_USER: "alice" })
          .succeeded();
        const record = await project.run(shape.flow, run.runId);
        assert.deepEqual(record.tags, ["exp1", "exp2"]);
        assert.deepEqual(record.systemTags, ["user:alice", `runtime:node-${process.versions.node}`]);
        for (const task of await bodyTasks(project, shape, run.runId)) {
          assert.equal(
            (await project.artifacts(task)).ns,
            `user:alice user:alice,runtime:node-${process.versions.node},exp1,exp2`,
          );
        }
      });

      test("each task's output is kept in its own log and streamed with its pathspec", async (t) => {
        const project = newProject(t, {
          [FILE]: shape.source({
            code: { body: `console.log("out of", current.pathspec); console.error("err of", current.taskId);` },
          }),
        });
        const run = project.tsflow(["run", FILE]).succeeded();
        for (const task of await bodyTasks(project, shape, run.runId)) {
          const pathspec = `${shape.flow}/${run.runId}/${task.step}/${task.id}`;
          assert.equal(
            await project.datastore.tasks.readLog(shape.flow, run.runId, task.step, task.id, "stdout", 0),
            `out of ${pathspec}\n`,
          );
          assert.equal(
            await project.datastore.tasks.readLog(shape.flow, run.runId, task.step, task.id, "stderr", 0),
            `err of ${task.id}\n`,
          );
          assert.ok(
            run.events.some((e) => e.event === "log" && e.pathspec === pathspec && e.text === `out of ${pathspec}\n`),
          );
          assert.deepEqual(task.logs?.stdout, { bytes: Buffer.byteLength(`out of ${pathspec}\n`), truncated: false });
        }
        assert.equal(TEST_USER, "tester");
      });

      test("the client API reads back what the run wrote", async (t) => {
        const project = newProject(t, { [FILE]: shape.source() });
        const run = project.tsflow(["run", FILE]).succeeded();
        useDatastore(project.datastore.root);
        namespace(`user:${TEST_USER}`);
        const latest = await Flow(shape.flow).latestSuccessfulRun();
        assert.equal(latest.id, run.runId);
        assert.deepEqual((await latest.data()).result, shape.expected);
        const steps: string[] = [];
        let bodyTaskTotal = 0;
        for await (const step of latest.steps()) {
          steps.push(step.name);
          for await (const task of step.tasks()) {
            assert.equal(task.successful, true);
            if (bodySteps(shape).includes(step.name)) bodyTaskTotal++;
          }
        }
        assert.equal(steps[0], "start");
        assert.equal(steps.at(-1), "end");
        assert.equal(bodyTaskTotal, bodyTaskCount(shape));
      });

      if (shape.joins.length > 0) {
        test("mergeArtifacts carries agreeing artifacts through joins", async (t) => {
          const project = newProject(t, {
            [FILE]: shape.source({
              declarations: "  declare shared: number;\n  declare label: string;",
              code: {
                start: "this.shared = 7;",
                body: `this.label = "same";`,
                join: `this.mergeArtifacts(inputs, { exclude: ["x", "y", "result", "inner", "items"] });`,
              },
            }),
          });
          const run = project.tsflow(["run", FILE]).succeeded();
          const end = await project.endData(shape.flow, run.runId);
          assert.equal(end.shared, 7);
          assert.equal(end.label, "same");
        });

        test("mergeArtifacts fails on inputs that disagree, naming the artifact", (t) => {
          const project = newProject(t, {
            [FILE]: shape.source({
              declarations: "  declare label: string;",
              code: {
                body: "this.label = current.taskId;",
                join: `this.mergeArtifacts(inputs, { exclude: ["x", "y", "result", "inner", "items"] });`,
              },
            }),
          });
          const run = project.tsflow(["run", FILE]);
          assert.equal(run.code, 1);
          assert.match(run.finished.error!.message, /mergeArtifacts\(\) found different values of `label`/);
        });
      }
    });
  }
}
