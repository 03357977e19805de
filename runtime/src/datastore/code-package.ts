import { readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { TsflowError } from "../errors";
import { DatastoreError } from "./errors";

/**
 * A run's code package: the flow file and the local modules it imports, as the compiler resolved
 * them, so anyone who reads the run sees the exact code that ran. It is a manifest stored as a
 * blob, and each file is a blob of its own: a module no run changed is stored once, and copying a
 * run copies its code as it copies its artifacts.
 *
 * The manifest, JSON:
 *
 *   { "format": 1,
 *     "entry": "flows/train.ts",                          the flow file
 *     "files": [ { "path": "flows/train.ts", "hash": SHA-256, "size": bytes }, ... ],
 *     "omitted": [ "../shared/util.ts" ] }                imported, but outside the project
 *
 * Paths are relative to the project folder (the nearest folder above the flow file that holds a
 * package.json or .git, else the flow's own folder), '/'-separated. Nothing outside that folder
 * and nothing under node_modules is stored: a package's code is the package's, and a stray import
 * of a file elsewhere on the machine must not carry it into a shared bucket.
 */
export interface CodeManifest {
  format: 1;
  entry: string;
  files: CodeFile[];
  /** Local modules the flow imports that are outside the project folder or under node_modules. */
  omitted: string[];
}

export interface CodeFile {
  path: string;
  hash: string;
  size: number;
}

/** What a run record holds of its code package: the manifest's blob. */
export interface CodePackageRef {
  hash: string;
  size: number;
}

/** One file of a run's code, as `run.code()` and `tsflow code` give it. */
export interface CodeText {
  path: string;
  text: string;
}

/** The code a run ran, as `run.code()` gives it. */
export interface RunCode {
  /** The flow file, relative to the project folder (the nearest with a package.json or .git). */
  entry: string;
  /** The flow file and the local modules it imports, by path relative to the project folder. */
  files: CodeText[];
  /** Local modules it imported from outside the project folder or from node_modules: not kept. */
  omitted: string[];
}

/** The blob store operations the code package needs (BlobStore's). */
interface Blobs {
  put(bytes: Uint8Array, hash?: string): string | Promise<string>;
  get(hash: string, size: number, what?: string): Buffer | Promise<Buffer>;
}

/**
 * Stores the code package of a flow compiled from `entry` and the local `modules` (absolute paths,
 * the entry among them): every file as a blob, then the manifest. Each file is read once here, so
 * the package holds what is on disk as the run starts.
 */
export async function storeCodePackage(blobs: Blobs, entry: string, modules: string[]): Promise<CodePackageRef> {
  const base = projectFolder(entry);
  const files: CodeFile[] = [];
  const omitted: string[] = [];
  for (const file of [...new Set(modules)].sort()) {
    const path = packagePath(base, file);
    if (path === undefined || path.split("/").includes("node_modules")) {
      omitted.push(relative(base, file).split(sep).join("/"));
      continue;
    }
    const bytes = readSource(file);
    files.push({ path, hash: await blobs.put(bytes), size: bytes.length });
  }
  const manifest: CodeManifest = { format: 1, entry: packagePath(base, entry) ?? "", files, omitted };
  const bytes = Buffer.from(JSON.stringify(manifest));
  return { hash: await blobs.put(bytes), size: bytes.length };
}

/**
 * The manifest of a code package, checked: a package read from a shared bucket names only safe
 * relative paths, so writing its files to a folder never writes outside that folder. `what` names
 * the run for messages.
 */
export async function readCodeManifest(blobs: Blobs, ref: CodePackageRef, what: string): Promise<CodeManifest> {
  const bytes = await blobs.get(ref.hash, ref.size, `code package of ${what}`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new DatastoreError("the code package's manifest is not valid JSON", what);
  }
  if (!isManifest(manifest)) throw new DatastoreError("the code package's manifest is not what TSFlow writes", what);
  return manifest;
}

/** Every file of a code package with its text, each checked against its SHA-256 as it is read. */
export async function readCodeFiles(blobs: Blobs, manifest: CodeManifest, what: string): Promise<CodeText[]> {
  const texts: CodeText[] = [];
  for (const file of manifest.files) {
    const bytes = await blobs.get(file.hash, file.size, `${file.path} in the code package of ${what}`);
    texts.push({ path: file.path, text: bytes.toString("utf8") });
  }
  return texts;
}

/** Every blob a code package holds, its manifest included: what a copy of the run must carry. */
export function codeBlobs(ref: CodePackageRef, manifest: CodeManifest): CodePackageRef[] {
  return [ref, ...manifest.files.map(({ hash, size }) => ({ hash, size }))];
}

/** The nearest folder above `file` that holds a package.json or a .git, else the file's own folder. */
export function projectFolder(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (exists(join(dir, "package.json")) || exists(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return dirname(file);
  }
}

/** `file` relative to `base`, '/'-separated, or undefined when it is not inside `base`. */
function packagePath(base: string, file: string): string | undefined {
  const path = relative(base, file);
  if (path === "" || isAbsolute(path) || path.split(sep)[0] === "..") return undefined;
  return path.split(sep).join("/");
}

/** A relative '/'-separated path that stays inside the folder it is written to. */
export function isSafePackagePath(path: string): boolean {
  if (path === "" || path.startsWith("/") || path.includes("\\") || /^[A-Za-z]:/.test(path)) return false;
  return path.split("/").every((part) => part !== "" && part !== "." && part !== ".." && !part.includes("\0"));
}

function isManifest(value: unknown): value is CodeManifest {
  if (typeof value !== "object" || value === null) return false;
  const { format, entry, files, omitted } = value as Partial<Record<keyof CodeManifest, unknown>>;
  if (format !== 1 || typeof entry !== "string" || !Array.isArray(files) || !Array.isArray(omitted)) return false;
  return files.every(
    (f: Partial<Record<keyof CodeFile, unknown>>) =>
      typeof f?.path === "string" &&
      isSafePackagePath(f.path) &&
      typeof f.hash === "string" &&
      /^[0-9a-f]{64}$/.test(f.hash) &&
      typeof f.size === "number",
  );
}

/** A module's bytes; one that vanished since it was compiled is an error naming it, not a stack trace. */
function readSource(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new TsflowError("compile", `${file}: cannot be read for the run's code package (${code})`, file);
  }
}

function exists(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false }) !== undefined;
}
