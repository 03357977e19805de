/**
 * Where everything lives in the datastore, as storage keys:
 *
 *   blobs/ab/<sha256>                                   artifact values, content-addressed
 *   flows/<Flow>/runs/<run>/run.json                    run metadata, tags, parameters, progress
 *   flows/<Flow>/runs/<run>/run.json.lock               held while one writer changes run.json
 *   flows/<Flow>/runs/<run>/steps/<step>/<task>.json    task metadata and its artifacts' references
 *   flows/<Flow>/runs/<run>/steps/<step>/<task>.stdout  task logs, created on first output
 *   cache/...                                           compiled flows; safe to delete
 */
export const layout = {
  flows: () => "flows",
  runs: (flow: string) => `flows/${flow}/runs`,
  run: (flow: string, run: string) => `flows/${flow}/runs/${run}/run.json`,
  runLock: (flow: string, run: string) => `flows/${flow}/runs/${run}/run.json.lock`,
  steps: (flow: string, run: string) => `flows/${flow}/runs/${run}/steps`,
  tasks: (flow: string, run: string, step: string) => `flows/${flow}/runs/${run}/steps/${step}`,
  task: (flow: string, run: string, step: string, task: string) =>
    `flows/${flow}/runs/${run}/steps/${step}/${task}.json`,
  log: (flow: string, run: string, step: string, task: string, stream: LogStream) =>
    `flows/${flow}/runs/${run}/steps/${step}/${task}.${stream}`,
  cache: (name: string) => `cache/${name}`,
};

export type LogStream = "stdout" | "stderr";

/** Names that may stand as one path segment: flow classes, steps, run and task ids. */
export function isSafeSegment(name: string): boolean {
  return /^[A-Za-z0-9_$][A-Za-z0-9_$.-]*$/.test(name) && !name.includes("..");
}
