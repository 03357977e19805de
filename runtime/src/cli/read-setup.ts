import { namespace, useDatastore, type RunStatus } from "../client";
import { resolveDatastore, type DatastoreLocation } from "../config";
import type { Paint } from "./format/color";
import type { Cell } from "./format/table";
import { UsageError } from "./args";
import type { CliIO } from "./io";

/** The option every read command takes. */
export const DATASTORE_OPTION = { "datastore-root": { type: "string" } } as const;

/** The help line of `--datastore-root`, the same in every read command. */
export const DATASTORE_HELP = `  --datastore-root ROOT the datastore to read: a folder or s3://BUCKET/PREFIX
                        (default: TSFLOW_DATASTORE_ROOT, else .tsflow here)`;

/**
 * Points the client at the datastore the command reads: `--datastore-root`, else
 * TSFLOW_DATASTORE_ROOT, else `.tsflow` in the working directory; and at a namespace (null: all).
 * Returns the datastore's location, for a command that also writes there.
 */
export function useClient(io: CliIO, root: string | undefined, ns: string | null): DatastoreLocation {
  const location = resolveDatastore({ cwd: io.cwd, env: io.env, option: root });
  useDatastore(location);
  namespace(ns);
  return location;
}

/** A pathspec's form by its number of parts. */
const PATHSPEC_FORMS: Record<number, string> = {
  2: "FLOW/RUN",
  3: "FLOW/RUN/STEP",
  4: "FLOW/RUN/STEP/TASK",
};

/**
 * The PATHSPEC argument of `command` in its parts, when it has as many as one of `depths` (widest
 * first, as the message lists them); else a usage error that names `kind` and the forms it takes.
 */
export function pathspecArgument(
  command: string,
  pathspec: string | undefined,
  kind: string,
  depths: readonly number[],
): string[] {
  const forms = depths.map((depth) => PATHSPEC_FORMS[depth]);
  const expected = forms.length === 1 ? forms[0] : `${forms.slice(0, -1).join(", ")} or ${forms.at(-1)}`;
  if (pathspec === undefined) throw new UsageError(`${command}: missing PATHSPEC: ${expected}`);
  const parts = pathspec.split("/");
  if (!depths.includes(parts.length) || parts.some((part) => part === "")) {
    throw new UsageError(`${command}: '${pathspec}' is not ${kind}: expected ${expected}`);
  }
  return parts;
}

const STATUS_STYLE: Record<RunStatus, Parameters<Paint>[0]> = {
  succeeded: "green",
  failed: "red",
  running: "cyan",
  unfinished: "yellow",
};

/** A run or task status, coloured on a terminal. */
export function statusCell(status: RunStatus): Cell {
  return { text: status, style: STATUS_STYLE[status] };
}
