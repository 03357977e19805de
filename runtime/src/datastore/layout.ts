/**
 * Where everything lives in the datastore, as storage keys:
 *
 *   blobs/ab/<sha256>                                   artifact values, content-addressed
 *   flows/<Flow>/runs/<run>/run.json                    run metadata, tags, parameters, progress
 *   flows/<Flow>/runs/<run>/run.json.lock               on disk, held while one writer replaces run.json
 *   flows/<Flow>/runs/<run>/steps/<step>/<task>.json    task metadata and its artifacts' references
 *   flows/<Flow>/runs/<run>/steps/<step>/<task>.<attempt>.stdout   one attempt's logs, created on
 *                                                       its first output (a retry's at its start)
 *   flows/<Flow>/runs/<run>/steps/<step>/<task>.stdout  every attempt's logs, as TSFlow wrote them before
 *   cache/...                                           compiled flows; safe to delete
 */
export const layout = {
  flows: () => "flows",
  runs: (flow: string) => `flows/${flow}/runs`,
  run: (flow: string, run: string) => `flows/${flow}/runs/${run}/run.json`,
  steps: (flow: string, run: string) => `flows/${flow}/runs/${run}/steps`,
  tasks: (flow: string, run: string, step: string) => `flows/${flow}/runs/${run}/steps/${step}`,
  task: (flow: string, run: string, step: string, task: string) =>
    `flows/${flow}/runs/${run}/steps/${step}/${task}.json`,
  /** One attempt's log; without an attempt, the log of every attempt that older datastores kept. */
  log: (flow: string, run: string, step: string, task: string, stream: LogStream, attempt?: number) =>
    `flows/${flow}/runs/${run}/steps/${step}/${task}${attempt === undefined ? "" : `.${attempt}`}.${stream}`,
  cache: (name: string) => `cache/${name}`,
};

export type LogStream = "stdout" | "stderr";

/** What a log file's name in a step folder says: its task, its attempt (none in older datastores), its stream. */
export function parseLogName(name: string): { task: string; attempt?: number; stream: LogStream } | undefined {
  const match = /^(\d+)(?:\.(\d+))?\.(stdout|stderr)$/.exec(name);
  if (!match) return undefined;
  const stream = match[3] as LogStream;
  return match[2] === undefined ? { task: match[1], stream } : { task: match[1], attempt: Number(match[2]), stream };
}

/** Names that may stand as one path segment: flow classes, steps, run and task ids. */
export function isSafeSegment(name: string): boolean {
  return /^[A-Za-z0-9_$][A-Za-z0-9_$.-]*$/.test(name) && !name.includes("..");
}
