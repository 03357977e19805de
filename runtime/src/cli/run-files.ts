import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Datastore } from "../datastore";
import { DatastoreError } from "../datastore/errors";
import type { ArtifactRef, RunRecord } from "../datastore/records";
import type { JsonValue, Parameter } from "../graph/model";
import { readable } from "../exec/resume-check";
import { UsageError } from "./args";

/**
 * Reads each file parameter's file (`--data ./x.csv`, or its default) as the run starts and stores
 * its content, so every step and the client API read the same content whatever happens to the file
 * later (Metaflow's IncludeFile). The run's parameters keep the path. A file that cannot be read is
 * a usage error that names the parameter and the file.
 */
export async function storeFileParameters(
  command: string,
  parameters: Parameter[],
  values: Record<string, JsonValue>,
  datastore: Datastore,
  cwd: string,
): Promise<Record<string, ArtifactRef> | undefined> {
  const files = parameters.filter((p) => p.type === "file" && typeof values[p.name] === "string");
  if (files.length === 0) return undefined;
  const refs: Record<string, ArtifactRef> = {};
  for (const p of files) {
    refs[p.name] = await datastore.artifacts.save(readContent(command, p, values[p.name] as string, cwd));
  }
  return refs;
}

function readContent(command: string, parameter: Parameter, path: string, cwd: string): string | Uint8Array {
  try {
    const bytes = readFileSync(resolve(cwd, path));
    return parameter.encoding === "binary" ? new Uint8Array(bytes) : bytes.toString("utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (error as Error).message;
    throw new UsageError(`${command}: --${parameter.name}: cannot read the file '${path}': ${why}`);
  }
}

/**
 * A resumed run's file parameters: the content its origin stored (from the origin's `start` task),
 * or, when the origin never got that far, the files read again.
 */
export async function originFileParameters(
  command: string,
  parameters: Parameter[],
  origin: RunRecord,
  datastore: Datastore,
  cwd: string,
): Promise<Record<string, ArtifactRef> | undefined> {
  const files = parameters.filter((p) => p.type === "file");
  if (files.length === 0) return undefined;
  const [startId] = await datastore.tasks.ids(origin.flow, origin.id, "start");
  // A damaged start record (resume runs start again then) keeps no content: the files are read again.
  const read = startId === undefined ? undefined : await readable(datastore, origin, "start", startId);
  const start = read instanceof DatastoreError ? undefined : read;
  if (start?.status === "succeeded" && files.every((p) => start.artifacts[p.name]))
    return Object.fromEntries(files.map((p) => [p.name, start.artifacts[p.name]]));
  return storeFileParameters(command, parameters, origin.parameters, datastore, cwd);
}
