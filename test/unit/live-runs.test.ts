import assert from "node:assert/strict";
import { test } from "node:test";
import type { DatastoreLocation } from "../../runtime/src/config";
import { LiveRuns } from "../../server/src/live-runs";
import type { LatestRun } from "../../server/src/run-status";

const ended: LatestRun = { pathspec: "F/1", status: "succeeded", steps: {} };

test("with the client watching run records, a flow shown from a local datastore is not polled, one from a bucket still is", async (t) => {
  let clock = 0;
  const calls: string[] = [];
  let polled: (root: DatastoreLocation) => void = () => {};
  const firstPoll = new Promise<DatastoreLocation>((resolve) => (polled = resolve));
  const statuses = {
    latest(root: DatastoreLocation) {
      calls.push(root.kind);
      polled(root);
      return Promise.resolve(ended);
    },
    invalidate() {},
  };
  const live = new LiveRuns(statuses, () => clock);
  live.filesWatched();
  // Shown in this order, so a poll of both would read the local one first.
  live.shown({ kind: "local", path: "/data/runs" }, "F", ended, "file:///f.ts");
  live.shown({ kind: "s3", bucket: "team-runs", prefix: "tsflow" }, "F", ended, "file:///f.ts");
  clock += 60_000;
  // LiveRuns' timers never keep a process alive: this one does, and fails the test if no poll comes.
  let guard: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    guard = setTimeout(() => reject(new Error("no poll within 10 s")), 10_000);
  });
  t.after(() => clearTimeout(guard));
  const root = await Promise.race([firstPoll, timeout]);
  assert.equal(root.kind, "s3");
  assert.deepEqual(calls, ["s3"]);
});
