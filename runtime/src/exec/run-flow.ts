import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Datastore } from "../datastore";
import { BlobStore } from "../datastore/blobs";
import { storeCodePackage } from "../datastore/code-package";
import type { ArtifactRef, RunRecord } from "../datastore/records";
import { graphFingerprint, graphShape } from "../graph/fingerprint";
import type { FlowGraph, JsonValue } from "../graph/model";
import { systemTags, userNamespace } from "../metadata/identity";
import type { CompiledFlow } from "./compile";
import type { RunObserver } from "./observer";
import { planFlow, type RunPlan } from "./plan";
import { Scheduler, type CloneSource } from "./scheduler";
import type { Executor } from "./executor";
import { executorContext, openExecutors } from "./executors";

export interface RunRequest {
  datastore: Datastore;
  flowFile: string;
  graph: FlowGraph;
  /** The compiled flow (exec/compile.ts). */
  compiled: CompiledFlow;
  parameters: Record<string, JsonValue>;
  /** File parameters' content, stored before the run starts (cli/run-files.ts). */
  fileParameters?: Record<string, ArtifactRef>;
  tags: string[];
  user: string;
  /** At most this many tasks at once on each remote executor (the local one has its own capacity). */
  remoteWorkers: number;
  withRetry: boolean;
  /** The local pool as an executor (exec/executors/local.ts), warmed and preloaded by the caller. */
  local: Executor;
  /** The environment remote executors read their settings from (kubeconfig, TSFLOW_SLURM_*). */
  env: NodeJS.ProcessEnv;
  observer: RunObserver;
  runIdFile?: string;
  resume?: { originRunId: string; step: string; clone: CloneSource };
}

/**
 * Creates the run in the datastore, runs it to the end and returns its final record. The remote
 * executors its steps name are opened once the run exists. Ctrl-C (or SIGTERM) stops every task
 * (remote jobs included) and leaves the run recorded as failed, resumable.
 */
export async function runFlow(request: RunRequest, plan: RunPlan = planFlow(request.graph)): Promise<RunRecord> {
  const { datastore, graph, user } = request;
  const shape = graphShape(graph);
  // Stored before the run exists: a run record never names code that is not in the datastore.
  const { entry, modules } = request.compiled;
  const codePackage = await storeCodePackage(new BlobStore(datastore.storage), entry, Object.keys(modules));
  const run = await datastore.runs.create({
    flow: graph.name,
    status: "running",
    startedAt: new Date().toISOString(),
    user,
    tags: request.tags,
    systemTags: systemTags(user),
    parameters: request.parameters,
    // Absolute, whoever calls: runs of one class from two files are told apart by it.
    flowFile: resolve(request.flowFile),
    graphFingerprint: graphFingerprint(shape),
    graphShape: shape,
    steps: {},
    codePackage,
    // What a task run elsewhere (`tsflow step`) needs of the run and cannot read from a task.
    ...(request.fileParameters ? { fileParameters: request.fileParameters } : {}),
    ...(request.withRetry ? { withRetry: true } : {}),
    ...(request.resume ? { origin: { runId: request.resume.originRunId, step: request.resume.step } } : {}),
  });
  if (request.runIdFile) writeFileSync(request.runIdFile, run.id);
  const context = executorContext(datastore, request.env, request.remoteWorkers);
  const executors = await openExecutors(plan, request.local, context);
  const scheduler = new Scheduler({
    datastore,
    run,
    plan,
    flowFile: request.flowFile,
    className: graph.name,
    parameters: request.parameters,
    ...(request.fileParameters ? { fileParameters: request.fileParameters } : {}),
    current: {
      namespace: userNamespace(user),
      username: user,
      tags: [...run.systemTags, ...run.tags],
      ...(request.resume ? { originRunId: request.resume.originRunId } : {}),
    },
    withRetry: request.withRetry,
    executors,
    observer: request.observer,
    ...(request.resume ? { clone: request.resume.clone } : {}),
  });
  const interrupt = (signal: string) => scheduler.cancel(`the run was stopped by ${signal}`);
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);
  try {
    return await scheduler.run();
  } finally {
    process.off("SIGINT", interrupt);
    process.off("SIGTERM", interrupt);
  }
}
