import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Figure } from "./report";

const ROOT = join(__dirname, "..");

/** The packaged extension's size: what every user downloads. */
export function packageFigures(): Figure[] {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-bench-vsix-"));
  try {
    const out = join(dir, "tsflow.vsix");
    execFileSync(process.execPath, [join(ROOT, "scripts", "package-vsix.mjs"), "--out", out], { cwd: ROOT });
    return [{ name: ".vsix size (npm run package)", value: statSync(out).size / 1024 / 1024, unit: "MB", target: 8 }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
