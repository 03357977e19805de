import { DatastoreError } from "./errors";
import type { RunRecord, TaskRecord } from "./records";

/**
 * parseRecord checks a record's keys; these are the shapes every reader then relies on, checked by
 * the run and task stores as they read. Each throws a DatastoreError naming `path`; a run record
 * gets its optional tables.
 */
export function checkRunRecord(record: RunRecord, path: string): void {
  const strings = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === "string");
  if (!strings(record.tags) || !strings(record.systemTags)) {
    throw new DatastoreError("run metadata has garbled tags: not written by TSFlow", path);
  }
  if (typeof record.startedAt !== "string" || Number.isNaN(Date.parse(record.startedAt))) {
    throw new DatastoreError("run metadata has no valid start time", path);
  }
  record.steps ??= {};
  record.parameters ??= {};
  const steps = record.steps as unknown;
  const isObject = (value: unknown) => typeof value === "object" && value !== null && !Array.isArray(value);
  if (!isObject(steps) || !Object.values(record.steps).every((p) => isObject(p) && typeof p.total === "number")) {
    throw new DatastoreError("run metadata has garbled step progress: not written by TSFlow", path);
  }
  const code = record.codePackage as unknown;
  if (code !== undefined && !isBlobRef(code)) {
    throw new DatastoreError("run metadata has a garbled code package reference", path);
  }
}

/** `{ hash, size }` of a blob, as a run record refers to its code package. */
function isBlobRef(value: unknown): boolean {
  const { hash, size } = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  return typeof hash === "string" && /^[0-9a-f]{64}$/.test(hash) && typeof size === "number";
}

export function checkTaskRecord(record: TaskRecord, path: string): void {
  const artifacts = record.artifacts as unknown;
  if (typeof artifacts !== "object" || artifacts === null || Array.isArray(artifacts)) {
    throw new DatastoreError("task metadata has no artifact table: not written by TSFlow", path);
  }
  for (const [name, ref] of Object.entries(record.artifacts)) {
    if (typeof ref?.hash !== "string" || typeof ref.size !== "number" || !/^[0-9a-f]{64}$/.test(ref.hash)) {
      throw new DatastoreError(`task metadata has a garbled reference for artifact '${name}'`, path);
    }
  }
}
