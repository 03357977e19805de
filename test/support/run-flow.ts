import assert from "node:assert/strict";
import { execFile, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeLocation, type DatastoreLocation } from "../../runtime/src/config";
import { openDatastore, type Datastore } from "../../runtime/src/datastore";
import type { RunRecord, TaskRecord } from "../../runtime/src/datastore/records";
import { CLI } from "./cli";

export const TEST_USER = "tester";

/**
 * Where a project's runs go when not in its own `.tsflow`: a location (an S3 prefix) and the
 * environment its commands need to reach it (credentials, endpoint).
 */
export interface ProjectStore {
  location: DatastoreLocation;
  env: Record<string, string>;
}

/** A temp project folder with flow files and its own datastore, removed when the test ends. */
export class Project {
  readonly dir = mkdtempSync(join(tmpdir(), "tsflow-flow-"));
  readonly datastore: Datastore;
  /** What every command of the project runs with: the datastore's root and how to reach it (none for `.tsflow`). */
  readonly env: Record<string, string>;

  /** `store`: a datastore elsewhere (the test process must reach it too); default `.tsflow` in the folder. */
  constructor(t: { after(fn: () => void): void }, files: Record<string, string> = {}, store?: ProjectStore) {
    this.datastore = openDatastore(store?.location ?? { kind: "local", path: join(this.dir, ".tsflow") });
    this.env = store ? { ...store.env, TSFLOW_DATASTORE_ROOT: describeLocation(store.location) } : {};
    t.after(() => rmSync(this.dir, { recursive: true, force: true }));
    for (const [name, text] of Object.entries(files)) this.write(name, text);
  }

  write(name: string, text: string): void {
    writeFileSync(join(this.dir, name), text);
  }

  /** Runs `tsflow ARGS --json` to the end and parses its events. */
  tsflow(args: string[], env: Record<string, string> = {}): CliRun {
    const result = spawnSync(process.execPath, [CLI, ...args, "--json"], {
      cwd: this.dir,
      env: { ...process.env, TSFLOW_USER: TEST_USER, NO_COLOR: "1", ...this.env, ...env },
      encoding: "utf8",
      timeout: 120_000,
    });
    return new CliRun(result.status, result.stdout, result.stderr);
  }

  /**
   * `tsflow` without blocking this process: for a run against a server in this process (s3rver),
   * which must go on answering while the run goes.
   */
  tsflowAsync(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args, "--json"],
        {
          cwd: this.dir,
          env: { ...process.env, TSFLOW_USER: TEST_USER, NO_COLOR: "1", ...env },
          encoding: "utf8",
          timeout: 120_000,
          maxBuffer: 64 * 1024 * 1024,
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
          resolve(new CliRun(code, stdout, stderr));
        },
      );
    });
  }

  /** Starts `tsflow ARGS` without waiting, for tests that kill it mid-way. */
  start(args: string[], env: Record<string, string> = {}) {
    return spawn(process.execPath, [CLI, ...args], {
      cwd: this.dir,
      env: { ...process.env, TSFLOW_USER: TEST_USER, ...this.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
  }

  async run(flow: string, runId: string): Promise<RunRecord> {
    const run = await this.datastore.runs.read(flow, runId);
    assert.ok(run, `run ${flow}/${runId} exists`);
    return run;
  }

  /** Every task of a step, in id order. */
  async tasks(flow: string, runId: string, step: string): Promise<TaskRecord[]> {
    const ids = await this.datastore.tasks.ids(flow, runId, step);
    return Promise.all(ids.map(async (id) => (await this.datastore.tasks.read(flow, runId, step, id))!));
  }

  /** The artifact values of one task. */
  async artifacts(task: TaskRecord): Promise<Record<string, unknown>> {
    const values: Record<string, unknown> = {};
    for (const [name, ref] of Object.entries(task.artifacts))
      values[name] = await this.datastore.artifacts.load(ref, name);
    return values;
  }

  /** The artifacts of the run's `end` task. */
  async endData(flow: string, runId: string): Promise<Record<string, unknown>> {
    const [end] = await this.tasks(flow, runId, "end");
    assert.ok(end, "the run has an end task");
    return this.artifacts(end);
  }
}

export interface FlowEvent {
  event: string;
  pathspec?: string;
  step?: string;
  status?: string;
  runId?: string;
  text?: string;
  stream?: string;
  willRetry?: boolean;
  willCatch?: boolean;
  cloned?: boolean;
  error?: {
    type: string;
    message: string;
    step?: string;
    task?: string;
    attempt?: number;
    location?: { file: string; line: number; column: number };
  };
}

export class CliRun {
  readonly events: FlowEvent[];

  constructor(
    readonly code: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    this.events = stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as FlowEvent);
  }

  get runId(): string {
    const started = this.events.find((e) => e.event === "run-started");
    assert.ok(started?.runId, `the run started; stderr:\n${this.stderr}\nstdout:\n${this.stdout.slice(0, 2000)}`);
    return started.runId;
  }

  get finished(): FlowEvent {
    const finished = this.events.find((e) => e.event === "run-finished");
    assert.ok(finished, `the run finished; stderr:\n${this.stderr}`);
    return finished;
  }

  /** Asserts the run succeeded, showing what went wrong when it did not. */
  succeeded(): this {
    assert.equal(
      this.code,
      0,
      `exit 0 expected; stderr:\n${this.stderr}\nevents:\n${this.events
        .filter((e) => e.event !== "log")
        .map((e) => JSON.stringify(e))
        .join("\n")
        .slice(0, 4000)}`,
    );
    assert.equal(this.finished.status, "succeeded");
    return this;
  }

  logs(stream: "stdout" | "stderr" = "stdout"): string {
    return this.events
      .filter((e) => e.event === "log" && e.stream === stream)
      .map((e) => e.text)
      .join("");
  }
}
