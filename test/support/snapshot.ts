import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const SNAPSHOTS = join(__dirname, "..", "snapshots");

/**
 * Compares `value` as JSON with the stored snapshot `name`. A missing snapshot fails, so CI never
 * passes on a snapshot it wrote itself; `UPDATE_SNAPSHOTS=1 npm run test:unit` writes them.
 */
export function matchSnapshot(name: string, value: unknown): void {
  const file = join(SNAPSHOTS, `${name}.json`);
  const text = JSON.stringify(value, null, 2) + "\n";
  if (process.env.UPDATE_SNAPSHOTS === "1") {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return;
  }
  assert.ok(existsSync(file), `no snapshot ${file}: run with UPDATE_SNAPSHOTS=1 and review it`);
  assert.equal(text, readFileSync(file, "utf8"), `snapshot ${name} differs`);
}
