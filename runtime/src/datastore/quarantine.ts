import type { Finding } from "./doctor";
import type { Storage } from "./storage-api";

/** Where `tsflow doctor --repair` sets damaged files aside, under the datastore root. */
export const QUARANTINE = "quarantine";

/** A file set aside: its key before, and where it is now. */
export interface Moved {
  key: string;
  from: string;
  to: string;
}

/**
 * Moves the damaged files of `findings` aside, to `quarantine/<time>/<their key>`, so readers stop
 * tripping on them and the next run that produces a value writes it afresh. Nothing is deleted: a
 * file can be put back by moving it again. Findings that are not movable (a missing blob, a damaged
 * value inside an otherwise readable record) are left where they are.
 */
export async function quarantine(storage: Storage, findings: readonly Finding[], now = new Date()): Promise<Moved[]> {
  const folder = `${QUARANTINE}/${now.toISOString().replace(/[:.]/g, "-")}`;
  const moved: Moved[] = [];
  const keys = new Set(findings.filter((finding) => finding.movable).map((finding) => finding.key));
  for (const key of keys) {
    const to = `${folder}/${key}`;
    const from = storage.describe(key);
    if (await storage.move(key, to)) moved.push({ key, from, to: storage.describe(to) });
  }
  return moved;
}
