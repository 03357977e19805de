/**
 * The latest run of a flow as the preview overlays it on the nodes, read through the runtime's
 * read-only client API (never its exec code). The run record and the run's step folders are read,
 * and no artifact; a step that has finished has its first few task records read once, to say where
 * its remote tasks ran, so a poll during a run stays cheap. Where a running remote task stands
 * comes from the live events of a run launched from the editor (LivePlacements).
 */
import {
  DatastoreError,
  defaultUserNamespace,
  NotFoundError,
  type Run,
  type Step,
  type StepProgress,
} from "../../../runtime/src/client";
import { readerOf } from "../readers";
import { ranOnPlacement, summarizePlacements, type TaskPlacement } from "../placements";
import type { RunOverlay, StepPlacement, StepRun } from "./messages";

/** The placements the runs launched from the editor reported, by step pathspec (PlacementBook). */
export interface LivePlacements {
  step(stepPathspec: string): StepPlacement | undefined;
}

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
  live?: LivePlacements,
): Promise<RunOverlay | null> {
  const places = (step: Step) => live?.step(step.pathspec) ?? recordedPlacement(root, step);
  try {
    if (chosen !== undefined) {
      // A run chosen by its id is shown whoever's it is.
      const run = await readerOf(root).flow(flow).run(chosen);
      return { ...(await summarize(run, now(), places)), chosen: true };
    }
    const runs = readerOf(root, namespace)
      .flow(flow)
      .runs({ onError, ...(flowFile === undefined ? {} : { flowFile }) });
    for await (const run of runs) return await summarize(run, now(), places);
    return null;
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

type Places = (step: Step) => StepPlacement | undefined | Promise<StepPlacement | undefined>;

async function summarize(run: Run, now: number, places: Places): Promise<RunOverlay> {
  const steps: Record<string, StepRun> = {};
  for await (const step of run.steps()) {
    if (!step.progress) continue;
    const placement = await places(step);
    steps[step.name] = { ...stepRun(step.progress, now), ...(placement ? { placement } : {}) };
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

/** Task records read per finished step to name where it ran: a foreach's first few say enough. */
const NAMED_TASKS = 5;
/** Finished steps whose placement was read, by root and pathspec: a finished step never changes. */
const recorded = new Map<string, StepPlacement | null>();
const RECORDED_KEPT = 500;

/**
 * Where a finished step's tasks ran, from the `ranOn` of its first task records; undefined for a
 * step still running (its records are not all there) and for local tasks.
 */
export async function recordedPlacement(root: string, step: Step): Promise<StepPlacement | undefined> {
  const progress = step.progress;
  if (!progress || progress.status === "running" || progress.status === "pending") return undefined;
  const key = `${root}\n${step.pathspec}`;
  const known = recorded.get(key);
  if (known !== undefined) return known ?? undefined;
  const placements: TaskPlacement[] = [];
  for (const id of (await step.taskIds()).slice(0, NAMED_TASKS)) {
    const placement = ranOnPlacement(await ranOnOf(step, id));
    if (placement) placements.push(placement);
  }
  const summary = summarizePlacements(placements);
  const placement = summary && { ...summary, done: progress.total };
  if (recorded.size >= RECORDED_KEPT) recorded.clear();
  recorded.set(key, placement ?? null);
  return placement;
}

/** A task's `ranOn`; undefined when its record cannot be read (the explorer says why). */
async function ranOnOf(step: Step, id: string) {
  try {
    return (await step.task(id)).ranOn;
  } catch (error) {
    if (error instanceof DatastoreError) return undefined;
    throw error;
  }
}
