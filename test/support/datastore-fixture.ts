import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultNamespace, useDatastore } from "../../runtime/src/client";
import { runCli } from "./cli";
import { EXAMPLES_DIR } from "./examples";

/** The user the fixture's runs belong to, unless a run says otherwise. */
export const FIXTURE_USER = "tester";

/** Flows written for the read tests, beside the examples. */
export const FIXTURE_FLOWS: Record<string, string> = {
  // Succeeds or fails on a parameter: latestRun and latestSuccessfulRun differ.
  "fail.ts": `import { FlowSpec, step, param } from "tsflow";
export class FailFlow extends FlowSpec {
  fail = param({ default: 0, help: "1 makes the middle step throw" });
  declare x: number;
  @step start() { this.x = 1; this.next(this.middle); }
  @step middle() {
    console.error("about to decide");
    if (this.fail) throw new Error("asked to fail");
    this.next(this.end);
  }
  @step end() {}
}
`,
  // A step that throws what is not an Error, chosen by a parameter.
  "thrown.ts": `import { FlowSpec, step, param } from "tsflow";
export class ThrownFlow extends FlowSpec {
  what = param({ default: "object", help: "object, string or null: what start throws" });
  @step start() {
    if (this.what === "object") throw { code: 42 };
    if (this.what === "string") throw "text";
    if (this.what === "null") throw null;
    this.next(this.end);
  }
  @step end() {}
}
`,
  // A step that succeeds on its retry, and one whose error @catchError stores.
  "flaky.ts": `import { FlowSpec, step, retry, catchError, current } from "tsflow";
export class FlakyFlow extends FlowSpec {
  declare err: { message: string };
  @retry({ times: 1 })
  @step start() {
    if (current.retryCount === 0) throw new Error("first attempt fails");
    this.next(this.risky);
  }
  @catchError({ var: "err", printException: false })
  @step risky() {
    throw new Error("always fails");
    this.next(this.end);
  }
  @step end() {}
}
`,
  // Values JSON cannot hold, a large one, and output on both streams.
  "types.ts": `import { FlowSpec, step } from "tsflow";
export class TypesFlow extends FlowSpec {
  declare map: Map<string, number>;
  declare set: Set<number>;
  declare when: Date;
  declare big: bigint;
  declare floats: Float64Array;
  declare bytes: ArrayBuffer;
  declare pattern: RegExp;
  declare problem: Error;
  declare nothing: undefined;
  declare notANumber: number;
  declare tagged: { $type: string };
  declare large: Float64Array;
  declare text: string;
  @step start() {
    this.map = new Map([["a", 1], ["b", 2]]);
    this.set = new Set([1, 2, 3]);
    this.when = new Date("2024-01-02T03:04:05.000Z");
    this.big = 12345678901234567890n;
    this.floats = new Float64Array([0.5, 1.5]);
    this.bytes = new Uint8Array([1, 2, 3]).buffer;
    this.pattern = /ab+c/gi;
    this.problem = new TypeError("bad input");
    this.nothing = undefined;
    this.notANumber = NaN;
    this.tagged = { $type: "mine" };
    this.large = new Float64Array(400_000).map((_, i) => i / 3);
    this.text = "x".repeat(3000);
    console.log("to stdout");
    console.error("to stderr");
    this.next(this.end);
  }
  @step end() {}
}
`,
  // A foreach of 100 tasks, for the read-speed targets.
  "many.ts": `import { FlowSpec, step, Inputs } from "tsflow";
export class ManyFlow extends FlowSpec {
  declare items: number[];
  declare x: number;
  declare total: number;
  @step start() { this.items = Array.from({ length: 100 }, (_, i) => i); this.next(this.a, { foreach: "items" }); }
  @step a() { this.x = (this.input as number) * 2; this.next(this.join); }
  @step join(inputs: Inputs<ManyFlow>) { this.total = inputs.reduce((sum, i) => sum + i.x, 0); this.next(this.end); }
  @step end() {}
}
`,
  // A flow that reads another flow's run through "tsflow/client", as a step may.
  "reader.ts": `import { FlowSpec, step } from "tsflow";
import { Flow } from "tsflow/client";
export class ReaderFlow extends FlowSpec {
  declare seen: number;
  declare seenRun: string;
  @step async start() {
    const run = await Flow("BranchFlow").latestSuccessfulRun();
    this.seen = (await run.data<{ out: number }>()).out;
    this.seenRun = run.pathspec;
    this.next(this.end);
  }
  @step end() {}
}
`,
};

/** One run made for the fixture: how to find it again. */
export interface FixtureRun {
  flow: string;
  id: string;
  pathspec: string;
}

/** A temp folder holding flow files and a datastore made by running them with the built CLI. */
export class DatastoreFixture {
  readonly dir = mkdtempSync(join(tmpdir(), "tsflow-read-"));
  readonly root = join(this.dir, ".tsflow");
  private readonly savedUser = process.env.TSFLOW_USER;

  constructor() {
    cpSync(EXAMPLES_DIR, this.dir, { recursive: true, filter: (src) => !src.includes("invalid") });
    for (const [name, text] of Object.entries(FIXTURE_FLOWS)) writeFileSync(join(this.dir, name), text);
  }

  /** Runs `tsflow run FILE ARGS` as `user`; the run must end as `expect` says. */
  run(file: string, args: string[] = [], options: { user?: string; expect?: "succeeded" | "failed" } = {}): FixtureRun {
    const idFile = join(this.dir, "run-id");
    rmSync(idFile, { force: true });
    const result = runCli(["run", file, "--run-id-file", idFile, ...args], this.dir, {
      TSFLOW_USER: options.user ?? FIXTURE_USER,
    });
    const expected = options.expect === "failed" ? 1 : 0;
    assert.equal(result.code, expected, `tsflow run ${file}: ${result.stderr}${result.stdout}`);
    const id = readFileSync(idFile, "utf8").trim();
    const flow = /Run (\w+)\//.exec(result.stdout)?.[1];
    assert.ok(flow, `the flow's name in: ${result.stdout}`);
    return { flow, id, pathspec: `${flow}/${id}` };
  }

  /** A copy of the datastore to damage without spoiling other tests; removed with the fixture. */
  copy(): string {
    const dir = mkdtempSync(join(this.dir, "copy-"));
    cpSync(this.root, join(dir, ".tsflow"), { recursive: true });
    return dir;
  }

  /** A task record's file, for tests that damage it. */
  taskFile(run: FixtureRun, step: string, task: string, root = this.root): string {
    return join(root, "flows", run.flow, "runs", run.id, "steps", step, `${task}.json`);
  }

  runFile(run: FixtureRun, root = this.root): string {
    return join(root, "flows", run.flow, "runs", run.id, "run.json");
  }

  /** Points this process's client API at the fixture, as FIXTURE_USER in that user's namespace. */
  useAsReader(): void {
    process.env.TSFLOW_USER = FIXTURE_USER;
    useDatastore(this.root);
    defaultNamespace();
  }

  /** Deletes the folder, and puts the client API and TSFLOW_USER back as they were before. */
  remove(): void {
    if (this.savedUser === undefined) delete process.env.TSFLOW_USER;
    else process.env.TSFLOW_USER = this.savedUser;
    useDatastore();
    defaultNamespace();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
