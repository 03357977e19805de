import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/**
 * Copies the run `flow/id` of the datastore at `root` `count` times, each a second older than the
 * last, and returns the ids, newest (the original) first: a flow with thousands of runs in seconds.
 */
export function cloneRuns(root: string, flow: string, id: string, count: number): string[] {
  const runs = join(root, "flows", flow, "runs");
  const files = listFiles(join(runs, id)).map((path) => [path, readFileSync(join(runs, id, path), "utf8")] as const);
  const record = JSON.parse(files.find(([path]) => path === "run.json")![1]) as Record<string, string>;
  const ids = [id];
  for (let i = 1; i <= count; i++) {
    const clone = String(Number(id) - i * 1000);
    const shift = (iso: string) => new Date(Date.parse(iso) - i * 1000).toISOString();
    for (const [path, text] of files) {
      const target = join(runs, clone, path);
      mkdirSync(dirname(target), { recursive: true });
      const content =
        path === "run.json"
          ? JSON.stringify({
              ...record,
              id: clone,
              startedAt: shift(record.startedAt),
              finishedAt: shift(record.finishedAt),
            })
          : text.replaceAll(`"runId":"${id}"`, `"runId":"${clone}"`);
      writeFileSync(target, content);
    }
    ids.push(clone);
  }
  return ids;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}
