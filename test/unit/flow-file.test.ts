import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { sameFlowFile } from "../../runtime/src/metadata/flow-file";

test("one flow file however its path is written: normalized, or through a symlinked folder; another file is another flow", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-flow-file-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "flows"));
  writeFileSync(join(dir, "flows", "a.ts"), "");
  writeFileSync(join(dir, "flows", "b.ts"), "");
  symlinkSync(join(dir, "flows"), join(dir, "linked"), "dir");
  assert.equal(sameFlowFile(join(dir, "flows", "a.ts"), `${dir}/flows/./x/../a.ts`), true);
  assert.equal(sameFlowFile(join(dir, "linked", "a.ts"), join(dir, "flows", "a.ts")), true);
  assert.equal(sameFlowFile(join(dir, "flows", "a.ts"), join(dir, "flows", "b.ts")), false);
  assert.equal(sameFlowFile(join(dir, "gone.ts"), join(dir, "also-gone.ts")), false);
});
