import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { main } from "../../runtime/src/cli/main";
import type { CliIO } from "../../runtime/src/cli/io";
import { EXAMPLES_DIR } from "../support/examples";

/** A CliIO that records what a command prints. */
function recordingIO(color = false): CliIO & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
    cwd: EXAMPLES_DIR,
    env: {},
    color,
  };
  return io;
}

describe("main(argv, io)", () => {
  test("returns the exit code instead of exiting", async () => {
    const io = recordingIO();
    assert.equal(await main(["check", "hello.ts"], io), 0);
    assert.equal(await main(["check", "invalid/unknown-step.ts"], io), 1);
    assert.equal(await main(["check", "missing.ts"], io), 2);
    assert.equal(io.err, "tsflow: missing.ts: no such file\n");
  });

  test("colours severity, location and code on a terminal", async () => {
    const io = recordingIO(true);
    await main(["check", "invalid/unknown-step.ts"], io);
    assert.ok(io.out.includes("\u001b[31merror\u001b[0m"), io.out);
    assert.ok(io.out.includes("\u001b[36minvalid/unknown-step.ts\u001b[0m"), io.out);
  });
});
