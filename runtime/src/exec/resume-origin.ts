import { existsSync } from "node:fs";
import { hostname } from "node:os";
import type { Datastore } from "../datastore";
import { DatastoreError, NotFoundError } from "../datastore/errors";
import type { RunRecord } from "../datastore/records";
import { TsflowError } from "../errors";
import { displayPath } from "../format/paths";
import { sameFlowFile } from "../metadata/flow-file";

/** What resume knows of the flow it is about to run. */
export interface ResumeTarget {
  /** The flow class. */
  flow: string;
  /** The flow file, absolute. */
  flowFile: string;
  /** The origin named by --origin-run-id, if any. */
  runId?: string;
  /** The user's namespace (`user:NAME`): without --origin-run-id, the origin is their latest run. */
  namespace: string;
  /** For messages: files are shown relative to it when inside it. */
  cwd: string;
  /** Hears of a run whose record cannot be read while looking for the latest: it is skipped. */
  onDamaged?: (pathspec: string, error: DatastoreError) => void;
}

/**
 * The run to resume: the one named, or the latest of this flow, from this flow file, in the
 * user's namespace. A class of the same name in another file is another flow: its runs are never
 * an origin, and when they are the only ones the refusal names both files. A run named by id that
 * was started elsewhere (a colleague's, in a shared bucket) is resumed from the file given here.
 */
export async function findOrigin(datastore: Datastore, target: ResumeTarget): Promise<RunRecord> {
  const { flow, flowFile, namespace } = target;
  const shown = (file: string) => displayPath(file, target.cwd);
  if (target.runId !== undefined) {
    const run = await datastore.runs.read(flow, target.runId);
    if (!run) throw new NotFoundError(`no run ${flow}/${target.runId} in ${datastore.root}`, `${flow}/${target.runId}`);
    if (!sameFlowFile(run.flowFile, flowFile) && !startedElsewhere(run)) {
      throw new TsflowError(
        "usage",
        `resume: run ${flow}/${run.id} was started from ${shown(run.flowFile)}, not ${shown(flowFile)}: a class of the same name in another file is another flow (resume ${shown(run.flowFile)} instead)`,
      );
    }
    return run;
  }
  const others = new Set<string>();
  for (const id of await datastore.runs.ids(flow)) {
    let run: RunRecord | undefined;
    try {
      run = await datastore.runs.read(flow, id);
    } catch (error) {
      // As `tsflow runs` does: a damaged run record is named and skipped, not a reason to stop.
      if (!(error instanceof DatastoreError) || !target.onDamaged) throw error;
      target.onDamaged(`${flow}/${id}`, error);
      continue;
    }
    if (!run?.systemTags.includes(namespace)) continue;
    if (sameFlowFile(run.flowFile, flowFile)) return run;
    others.add(run.flowFile);
  }
  if (others.size > 0) {
    throw new TsflowError(
      "usage",
      `resume: the runs of ${flow} in namespace ${namespace} were started from ${[...others].map(shown).join(", ")}, not ${shown(flowFile)}: run ${shown(flowFile)} first, or resume the file they came from`,
    );
  }
  throw new TsflowError(
    "usage",
    `resume: ${flow} has no run in namespace ${namespace} in ${datastore.root}: run it first (tsflow run FILE)`,
  );
}

/**
 * Whether the run's flow file is a path on another machine: the run was started on another host,
 * or its file is not on this one. Its path then tells nothing about the file given here, so a
 * colleague's run named by --origin-run-id resumes from the user's copy of the flow; the graph
 * check that follows still refuses one whose steps changed under the cloned ones.
 */
function startedElsewhere(run: RunRecord): boolean {
  return run.host !== hostname() || !existsSync(run.flowFile);
}
