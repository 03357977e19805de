/** `--max-workers` bounds local workers and remote tasks alike; without it a cluster gets its own bound. */
import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { test } from "node:test";
import { REMOTE_WORKERS, splitRunArgs } from "../../runtime/src/cli/run-setup";

const OWN = ["max-workers", "with"];

test("without --max-workers, local tasks are bounded by the cores and remote ones by REMOTE_WORKERS", () => {
  const args = splitRunArgs("run", ["flow.ts", "--with", "slurm"], OWN);
  assert.equal(args.maxWorkers, availableParallelism());
  assert.equal(args.remoteWorkers, REMOTE_WORKERS);
  assert.ok(REMOTE_WORKERS >= 100, "a foreach over 100 goes to a cluster at once");
});

test("--max-workers N bounds both", () => {
  const args = splitRunArgs("run", ["flow.ts", "--max-workers", "7", "--with", "kubernetes"], OWN);
  assert.equal(args.maxWorkers, 7);
  assert.equal(args.remoteWorkers, 7);
});

test("a --max-workers that is no whole number ≥ 1 is a usage error", () => {
  assert.throws(() => splitRunArgs("run", ["flow.ts", "--max-workers", "0"], OWN), /at least 1, not '0'/);
});
