/**
 * The parents of a task on `tsflow step`'s command line, compact: a join over a foreach of 10,000
 * tasks must not pass 10,000 arguments (nor 100 KB of them), so consecutive task ids become ranges,
 * as Metaflow compresses its input paths.
 *
 * The form: comma-separated items, each `STEP/IDS` or `IDS` (more ids of the step named last); IDS
 * is a task id or a range `FIRST-LAST` of numeric ids, both ends included. Order is kept: a join's
 * inputs arrive in the order listed, which is the foreach's or the split's branch order.
 *
 *   start/1                     one parent
 *   body/2-101,205              a foreach join: tasks 2 to 101, then 205
 *   left/7,right/8              a static split's join
 */

/** One parent of a task: its step and task id, in the run the task belongs to. */
export interface InputPath {
  step: string;
  id: string;
}

/** The compact form of `paths`, in their order: runs of consecutive numeric ids become ranges. */
export function formatInputPaths(paths: readonly InputPath[]): string {
  const items: string[] = [];
  let step: string | undefined;
  for (let i = 0; i < paths.length;) {
    let last = i;
    while (last + 1 < paths.length && follows(paths[last], paths[last + 1])) last++;
    const ids = last > i ? `${paths[i].id}-${paths[last].id}` : paths[i].id;
    items.push(paths[i].step === step ? ids : `${paths[i].step}/${ids}`);
    step = paths[i].step;
    i = last + 1;
  }
  return items.join(",");
}

/** Whether `b` is the task right after `a` in the same step, so both fit in one range. */
function follows(a: InputPath, b: InputPath): boolean {
  return a.step === b.step && isNumericId(a.id) && isNumericId(b.id) && Number(b.id) === Number(a.id) + 1;
}

/**
 * The input paths a compact form lists, expanded in order. Throws an `InputPathsError` naming the
 * item that is not `STEP/IDS` or a range that runs backwards.
 */
export function parseInputPaths(text: string): InputPath[] {
  const paths: InputPath[] = [];
  let step: string | undefined;
  for (const raw of text.split(/[,\s]+/)) {
    if (raw === "") continue;
    const slash = raw.indexOf("/");
    if (slash !== -1) step = raw.slice(0, slash);
    const ids = slash === -1 ? raw : raw.slice(slash + 1);
    if (step === undefined) throw new InputPathsError(`'${raw}' names no step: write STEP/${raw}`);
    if (!STEP_NAME.test(step)) throw new InputPathsError(`'${raw}': '${step}' is not a step name`);
    paths.push(...expand(step, ids, raw));
  }
  return paths;
}

/** A problem with an input-path list, which the CLI reports as a usage error. */
export class InputPathsError extends Error {}

/** Step names are method names; task ids are what the datastore names task files by. */
const STEP_NAME = /^[A-Za-z_$][\w$]*$/;
const TASK_ID = /^[\w.]+$/;

function expand(step: string, ids: string, raw: string): InputPath[] {
  const range = /^(0|[1-9]\d*)-(0|[1-9]\d*)$/.exec(ids);
  if (!range) {
    if (!TASK_ID.test(ids)) throw new InputPathsError(`'${raw}': '${ids}' is not a task id or a range FIRST-LAST`);
    return [{ step, id: ids }];
  }
  const [first, last] = [Number(range[1]), Number(range[2])];
  if (last < first) throw new InputPathsError(`'${raw}': the range ${ids} runs backwards`);
  const paths: InputPath[] = [];
  for (let id = first; id <= last; id++) paths.push({ step, id: String(id) });
  return paths;
}

function isNumericId(id: string): boolean {
  return /^(0|[1-9]\d*)$/.test(id);
}
