import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Datastore } from "../datastore";
import { BlobStore } from "../datastore/blobs";
import {
  projectFolder,
  readCodeFiles,
  readCodeManifest,
  type CodeManifest,
  type CodePackageRef,
} from "../datastore/code-package";
import type { RunRecord } from "../datastore/records";
import { TsflowError } from "../errors";

/** The flow file a task runs from, and why that one. */
export interface StepCode {
  /** Absolute path of the flow file to compile and load. */
  entry: string;
  /**
   * `file`: FILE as given, whose project holds exactly the run's code package (or the run has none).
   * `package`: the run's code package, written to the user cache folder, since FILE is missing or differs.
   */
  source: "file" | "package";
}

/**
 * Where a task's code comes from. FILE, when it is here and every file of the run's code package
 * is on disk beside it with the same content: the compile cache then serves it as for a local run.
 * Otherwise (a container, another host, a file edited since the run started) the run's code
 * package, fetched once per machine into `cacheDir/code/HASH/` and run from there: a task runs the
 * code its run started with, never a newer edit.
 */
export async function stepCode(
  file: string | undefined,
  run: RunRecord,
  datastore: Datastore,
  cacheDir: string,
): Promise<StepCode> {
  const here = file !== undefined && isFile(file);
  const ref = run.codePackage;
  if (!ref) {
    if (here) return { entry: file, source: "file" };
    throw new TsflowError(
      "usage",
      `step: ${file ?? "FILE"} is not here, and run ${run.flow}/${run.id} was recorded before TSFlow kept each run's code`,
    );
  }
  const blobs = new BlobStore(datastore.storage);
  const what = `${run.flow}/${run.id}`;
  const manifest = await readCodeManifest(blobs, ref, what);
  if (here && matches(file, manifest)) return { entry: file, source: "file" };
  if (manifest.omitted.length > 0)
    throw new TsflowError(
      "usage",
      `step: the code package of run ${what} lacks ${manifest.omitted.join(", ")}, which the flow imports from outside its project folder (never stored): run the task where ${file ?? "FILE"} and those modules are`,
    );
  const dir = join(cacheDir, "code", ref.hash);
  if (!isFile(join(dir, COMPLETE))) await unpack(blobs, ref, manifest, dir, what);
  return { entry: join(dir, ...manifest.entry.split("/")), source: "package" };
}

/** Written last into an unpacked package: a folder without it is a partial one. */
const COMPLETE = ".tsflow-complete";

/** Whether `file` is the package's flow file and every file of the package is beside it, unchanged. */
function matches(file: string, manifest: CodeManifest): boolean {
  const base = projectFolder(file);
  if (join(base, ...manifest.entry.split("/")) !== file) return false;
  return manifest.files.every((f) => {
    try {
      return (
        createHash("sha256")
          .update(readFileSync(join(base, ...f.path.split("/"))))
          .digest("hex") === f.hash
      );
    } catch {
      return false;
    }
  });
}

/**
 * Writes the package's files into a fresh folder beside `dir` and renames it into place, so two
 * tasks on one machine never load a half-written package; the one that loses the rename uses the
 * winner's, which holds the same bytes.
 */
async function unpack(blobs: BlobStore, ref: CodePackageRef, manifest: CodeManifest, dir: string, what: string) {
  const texts = await readCodeFiles(blobs, manifest, what);
  const temp = `${dir}.${process.pid}.${Date.now()}`;
  // The manifest's paths were checked when it was read: each stays inside the folder.
  for (const { path, text } of texts) {
    const target = join(temp, ...path.split("/"));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  writeFileSync(join(temp, COMPLETE), ref.hash);
  try {
    renameSync(temp, dir);
  } catch {
    // Another task unpacked it first (or a partial folder is in the way: replaced).
    if (!isFile(join(dir, COMPLETE))) {
      rmSync(dir, { recursive: true, force: true });
      renameSync(temp, dir);
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
}
