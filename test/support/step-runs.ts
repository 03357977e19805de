import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatastore, type Datastore } from "../../runtime/src/datastore";
import { BlobStore } from "../../runtime/src/datastore/blobs";
import { FsStorage } from "../../runtime/src/datastore/fs-storage";
import { storeCodePackage } from "../../runtime/src/datastore/code-package";
import type { ArtifactRef, RunRecord } from "../../runtime/src/datastore/records";
import type { DatastoreLocation } from "../../runtime/src/config";
import { compileFlow } from "../../runtime/src/exec/compile";
import { analyze } from "../../runtime/src/graph";
import type { JsonValue } from "../../runtime/src/graph/model";
import { graphFingerprint, graphShape } from "../../runtime/src/graph/fingerprint";
import { systemTags } from "../../runtime/src/metadata/identity";
import { CLI } from "./cli";

/**
 * A run as `tsflow run` creates it before its first task (code package stored, record written),
 * with no task run: `tsflow step` then runs its tasks one by one, as a cluster would.
 */
export async function createRun(
  location: DatastoreLocation,
  flowFile: string,
  options: {
    parameters?: Record<string, JsonValue>;
    fileParameters?: Record<string, ArtifactRef>;
    withRetry?: boolean;
    user?: string;
  } = {},
): Promise<RunRecord> {
  const datastore: Datastore = openDatastore(location);
  const graph = analyze(flowFile, readFileSync(flowFile, "utf8")).flows[0].graph;
  // Compiled only to learn the modules the code package holds; the cache goes nowhere a test keeps.
  const scratch = mkdtempSync(join(tmpdir(), "tsflow-compile-"));
  const { compiled } = await compileFlow(flowFile, new FsStorage(scratch));
  rmSync(scratch, { recursive: true, force: true });
  const codePackage = await storeCodePackage(new BlobStore(datastore.storage), flowFile, Object.keys(compiled.modules));
  const shape = graphShape(graph);
  const user = options.user ?? "tester";
  return datastore.runs.create({
    flow: graph.name,
    status: "running",
    startedAt: new Date().toISOString(),
    user,
    tags: [],
    systemTags: systemTags(user),
    parameters: options.parameters ?? {},
    flowFile,
    graphFingerprint: graphFingerprint(shape),
    graphShape: shape,
    steps: {},
    codePackage,
    ...(options.fileParameters ? { fileParameters: options.fileParameters } : {}),
    ...(options.withRetry ? { withRetry: true } : {}),
  });
}

export interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The built CLI, run asynchronously (an S3 server answering it may be in this process), with
 * exactly `env` beside PATH and HOME: `tsflow step` takes its configuration from there alone.
 * `stdin`, when given, is written to its standard input.
 */
export function tsflowStep(
  args: string[],
  cwd: string,
  env: Record<string, string>,
  stdin?: string,
): Promise<StepResult> {
  const base = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1" };
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, "step", ...args],
      { cwd, encoding: "utf8", env: { ...base, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin ?? "");
  });
}
