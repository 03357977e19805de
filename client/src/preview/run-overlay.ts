/**
 * The latest run of a flow as the preview overlays it on the nodes, read through the runtime's
 * read-only client API (never its exec code). Only the run record and the run's step folders are
 * read: no task record, no artifact, so a poll during a run stays cheap.
 */
import { defaultUserNamespace, NotFoundError, type Run, type StepProgress } from "../../../runtime/src/client";
import { readerOf } from "../readers";
import type { RunOverlay, StepRun } from "./messages";

/**
 * The namespace whose runs the preview shows, from the `tsflow.namespace` setting: "" for the
 * user's own (`user:NAME`, as the CLI defaults to), "*" for every user's (null), else as written.
 */
export function resolveNamespace(setting: string, own: () => string = defaultUserNamespace): string | null {
  const value = setting.trim();
  if (value === "*") return null;
  return value === "" ? own() : value;
}

/**
 * The latest run of `flow` in `namespace` in the datastore at `root`, or the run `chosen` (its id,
 * whoever's it is); null when there is no datastore or no such run there. `onError` hears of
 * records that cannot be read. Given `flowFile`, the latest run is that file's: a class of the
 * same name in another file is another flow.
 */
export async function readRunOverlay(
  root: string,
  flow: string,
  namespace: string | null,
  onError: (error: Error) => void = () => {},
  now: () => number = Date.now,
  chosen?: string,
  flowFile?: string,
): Promise<RunOverlay | null> {
  try {
    if (chosen !== undefined) {
      // A run chosen by its id is shown whoever's it is.
      const run = await readerOf(root).flow(flow).run(chosen);
      return { ...(await summarize(run, now())), chosen: true };
    }
    const runs = readerOf(root, namespace)
      .flow(flow)
      .runs({ onError, ...(flowFile === undefined ? {} : { flowFile }) });
    for await (const run of runs) return await summarize(run, now());
    return null;
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

async function summarize(run: Run, now: number): Promise<RunOverlay> {
  const steps: Record<string, StepRun> = {};
  for await (const step of run.steps()) {
    if (step.progress) steps[step.name] = stepRun(step.progress, now);
  }
  const end = run.finishedAt?.getTime() ?? (run.status === "running" ? now : undefined);
  return {
    pathspec: run.pathspec,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    ...(end === undefined ? {} : { durationMs: Math.max(0, end - run.startedAt.getTime()) }),
    ...(run.origin ? { origin: run.origin } : {}),
    steps,
  };
}

/** A step's progress; a step still running is timed up to `now`. */
export function stepRun(progress: StepProgress, now: number): StepRun {
  const { status, total, done, failed, running } = progress;
  const started = progress.startedAt ? Date.parse(progress.startedAt) : NaN;
  const finished = progress.finishedAt ? Date.parse(progress.finishedAt) : status === "running" ? now : NaN;
  const durationMs = finished - started;
  return {
    status,
    total,
    done,
    failed,
    running,
    ...(Number.isFinite(durationMs) ? { durationMs: Math.max(0, durationMs) } : {}),
  };
}
