import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, test } from "node:test";
import { shellQuote, tsflowCommand } from "../../runtime/src/format/command-hint";

/** The words a POSIX shell reads back from a command line (printed one per line by printf). */
function shellWords(line: string): string[] {
  return execFileSync("sh", ["-c", `printf '%s\\n' ${line}`], { encoding: "utf8" })
    .split("\n")
    .slice(0, -1);
}

describe("the commands the CLI suggests", () => {
  test("carry --flow and --datastore-root when given, after the command's own words", () => {
    assert.equal(tsflowCommand(["dump", "F/7"]), "tsflow dump F/7");
    assert.equal(tsflowCommand(["dump", "F/7"], { datastoreRoot: "runs" }), "tsflow dump F/7 --datastore-root runs");
    assert.equal(
      tsflowCommand(["resume", "flows.ts"], { flow: "TrainFlow", datastoreRoot: "/data/x" }),
      "tsflow resume flows.ts --flow TrainFlow --datastore-root /data/x",
    );
  });

  test("quote what a shell would split or expand, and a shell reads it back unchanged", () => {
    const awkward = ["my runs", "it's", "$HOME", "a*b", "semi;colon", "tab\there", "", "~/x", "back\\slash"];
    for (const word of awkward) {
      assert.notEqual(shellQuote(word), word, word);
      assert.deepEqual(shellWords(shellQuote(word)), [word]);
    }
    for (const word of ["F/7/fit/3", "../data/.tsflow", "--stderr", "user:alice", "a=b,c"])
      assert.equal(shellQuote(word), word);
    const line = tsflowCommand(["logs", "F/7/fit/3", "--stderr"], { datastoreRoot: "my runs/it's" });
    assert.deepEqual(shellWords(line.replace(/^tsflow /, "")), [
      "logs",
      "F/7/fit/3",
      "--stderr",
      "--datastore-root",
      "my runs/it's",
    ]);
  });
});
